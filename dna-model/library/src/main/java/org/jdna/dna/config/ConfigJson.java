package org.jdna.dna.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Configs as JSON. A config record is written and read through its field table ({@link ConfigSection}):
 * fields in component order, read strictly, with errors in the project's words naming the source and the
 * field ({@code run.json: model.width = "big" is not an integer}). {@link #MAPPER} is the project's
 * strict mapper for other JSON.
 */
public final class ConfigJson {
    /** Strict: unknown fields, nulls for numbers, floats for ints and strings for numbers are all errors. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ConfigJson() {}

    /**
     * One JSON object read from a file the user named ({@code what}: "config file", "sweep spec"): a missing
     * file, text that is not UTF-8, a syntax error (with its line and column) or another value than an object is
     * a {@link ConfigException} in those words.
     */
    public static ObjectNode readObjectFile(Path file, String what) {
        try {
            JsonNode node = MAPPER.readTree(Files.readString(file));
            if (node == null || !node.isObject()) {
                throw new ConfigException(what + " " + file + ": must hold one JSON object");
            }
            return (ObjectNode) node;
        } catch (NoSuchFileException e) {
            throw new ConfigException(what + " " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw new ConfigException(what + " " + file + ": not UTF-8 text");
        } catch (JsonProcessingException e) {
            throw new ConfigException(what + " " + file + ": not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file, e);
        }
    }

    public static String toJson(RunConfig config) {
        try {
            return MAPPER.writeValueAsString(toTree(config));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON tree of a config record (RunConfig, ModelConfig, ...); other objects as Jackson maps them. */
    public static JsonNode toTree(Object config) {
        return config == null ? MAPPER.valueToTree(null) : ConfigSection.find(config.getClass())
                .map(s -> treeOf(s, config)).orElseGet(() -> MAPPER.valueToTree(config));
    }

    /** Binds a complete tree to a config record; every error is a {@link ConfigException} naming the field. */
    public static <T> T bind(JsonNode tree, Class<T> type, String source) {
        ConfigSection<?> section = ConfigSection.find(type).orElseThrow(() -> new IllegalArgumentException(
                type.getSimpleName() + " is not a config section"));
        return type.cast(section.read(tree, "", source));
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> JsonNode treeOf(ConfigSection<R> section, Object config) {
        return section.toTree((R) config);
    }
}
