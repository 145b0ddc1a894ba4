package org.jdna.engine.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** An ordered list of submodules named "0", "1", ... (so parameters read "blocks.0.attn.qkv.weight"). */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public ModuleList() {
    }

    public ModuleList(List<? extends M> modules) {
        modules.forEach(this::add);
    }

    public ModuleList<M> add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return this;
    }

    public M get(int index) {
        if (index < 0 || index >= items.size()) {
            throw new IndexOutOfBoundsException("ModuleList: index " + index + " outside [0, " + items.size() + ")");
        }
        return items.get(index);
    }

    public int size() { return items.size(); }

    @Override
    public Iterator<M> iterator() {
        return List.copyOf(items).iterator();
    }
}
