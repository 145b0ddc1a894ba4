package org.jdna.dna.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole language DNA (routers, top-2, a mixed pool with identities) is causal: changing the token at
 * position p changes no logit and no routing decision at an earlier position or in another sequence.
 */
@ExtendWith(ReferenceBackendExtension.class)
class ModelCausalityTest {

    @Test
    void laterTokensAndOtherSequencesDoNotReachAToken() {
        ModelConfigs c = ModelConfigs.language().pool("transformer:2,attention:1,mlp:1,identity:2");
        c.topK = 2;
        c.routerInitStd = 0.5;
        c.steps = 4;
        DnaModel dna = new DnaModel(c.build(), 21);
        int b = 2;
        int t = c.context;
        int v = c.vocab;
        int[] tokens = SpecialCasesTest.tokens(new Rng(22), v);
        ModelOutput base = dna.forwardTokens(tokens, b);
        float[] logits = base.logits().toArray();

        for (int p : new int[]{t - 1, 3}) {
            int[] changed = tokens.clone();
            changed[p] = (changed[p] + 5) % v; // sequence 0, position p
            ModelOutput out = dna.forwardTokens(changed, b);
            float[] l = out.logits().toArray();
            for (int n = 0; n < b * t; n++) {
                boolean reachable = n < t && n >= p;
                boolean same = Arrays.equals(Diff.rows(logits, v, n, n + 1), Diff.rows(l, v, n, n + 1));
                if (!reachable) {
                    assertTrue(same, "token " + n + " changed when position " + p + " of sequence 0 changed");
                    for (int s = 0; s < c.steps; s++) {
                        int[] before = Arrays.copyOfRange(base.trace().steps().get(s).modules(), n * 2, n * 2 + 2);
                        int[] after = Arrays.copyOfRange(out.trace().steps().get(s).modules(), n * 2, n * 2 + 2);
                        assertArrayEquals(before, after, "routing of token " + n + " at step " + s);
                    }
                } else if (n == p) {
                    assertFalse(same, "the changed token's own logits must change");
                }
            }
        }
    }
}
