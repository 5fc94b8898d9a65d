package dev.stroem.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the server and worker configuration: YAML file, then {@code STROEM__A__B=value}
 * environment overrides, then the documented defaults, then validation. Every problem is a
 * {@link ConfigException} whose message is one sentence naming the field and what is wrong.
 *
 * <p>The environment is a parameter ({@code System.getenv()} at the call site). A variable whose
 * first section belongs only to the other kind of file (e.g. {@code STROEM__SERVER_URL} when
 * loading the server config) is ignored, so one environment can serve a server and a worker;
 * any other unknown section is an error, like an unknown field in the file.
 */
public final class ConfigLoader {

    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate field '([^']*)'");

    private final YAMLMapper yaml;
    private final EnvOverrides envOverrides;

    public ConfigLoader() {
        this.yaml = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build();
        // "" is not a number: without this Jackson would quietly read it as "not set".
        yaml.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        yaml.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        this.envOverrides = new EnvOverrides(yaml);
    }

    /** Loads {@code file} as the server configuration, with {@code env}'s overrides and the defaults. */
    public ServerConfig loadServer(Path file, Map<String, String> env) {
        return parseServer(read(file), file.toString(), env);
    }

    /** Loads {@code file} as the worker configuration, with {@code env}'s overrides and the defaults. */
    public WorkerConfig loadWorker(Path file, Map<String, String> env) {
        return parseWorker(read(file), file.toString(), env);
    }

    /** The server configuration from YAML text; {@code source} names it in messages about the text as a whole. */
    public ServerConfig parseServer(String yamlText, String source, Map<String, String> env) {
        return bind(yamlText, source, env, ServerConfig.class, WorkerConfig.class,
                c -> c.withDefaults(), ConfigValidator::validate);
    }

    /** The worker configuration from YAML text; {@code source} names it in messages about the text as a whole. */
    public WorkerConfig parseWorker(String yamlText, String source, Map<String, String> env) {
        return bind(yamlText, source, env, WorkerConfig.class, ServerConfig.class,
                c -> c.withDefaults(), ConfigValidator::validate);
    }

    private <T> T bind(String yamlText, String source, Map<String, String> env, Class<T> type, Class<?> otherKind,
            UnaryOperator<T> defaults, Consumer<T> validation) {
        ObjectNode root = parseTree(yamlText, source);
        Map<String, String> fromEnv = envOverrides.apply(root, type, env, onlyIn(otherKind, type));
        try {
            T config = defaults.apply(yaml.treeToValue(root, type));
            validation.accept(config);
            return config;
        } catch (JsonMappingException e) {
            throw noteSource(MappingErrorTranslator.translate(e, root), fromEnv);
        } catch (JsonProcessingException e) {
            throw ConfigException.inSource(source, "cannot be read: " + e.getOriginalMessage(), e);
        } catch (ConfigException e) {
            throw noteSource(e, fromEnv);
        }
    }

    private ObjectNode parseTree(String yamlText, String source) {
        JsonNode tree;
        try {
            tree = yaml.readTree(yamlText);
        } catch (StreamReadException e) {
            throw syntaxError(source, e);
        } catch (JsonProcessingException e) {
            throw duplicateKeyOr(source, e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (tree instanceof ObjectNode object) {
            return object;
        }
        throw ConfigException.inSource(source, "expected a mapping of settings at the top level, got "
                + (tree.isArray() ? "a list" : "a single value"), null);
    }

    private static ConfigException syntaxError(String source, StreamReadException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return ConfigException.inSource(source, "YAML syntax error at line " + (marked.getProblemMark().getLine() + 1)
                    + ", column " + (marked.getProblemMark().getColumn() + 1) + ": " + marked.getProblem(), e);
        }
        var location = e.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return ConfigException.inSource(source, "YAML syntax error" + where + ": " + e.getOriginalMessage(), e);
    }

    private static ConfigException duplicateKeyOr(String source, JsonProcessingException e) {
        var matcher = DUPLICATE_KEY.matcher(String.valueOf(e.getOriginalMessage()));
        var location = e.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        if (matcher.find()) {
            return ConfigException.inSource(source, "key \"" + matcher.group(1) + "\" appears twice in one mapping" + where, e);
        }
        return ConfigException.inSource(source, "cannot be read" + where + ": " + e.getOriginalMessage(), e);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw ConfigException.inSource(file.toString(), "config file not found", e);
        } catch (AccessDeniedException e) {
            throw ConfigException.inSource(file.toString(), "config file is not readable (permission denied)", e);
        } catch (CharacterCodingException e) {
            throw ConfigException.inSource(file.toString(), "config file is not valid UTF-8", e);
        } catch (IOException e) {
            String why = Files.isDirectory(file) ? "is a directory, not a config file" : "config file cannot be read (" + e.getMessage() + ")";
            throw ConfigException.inSource(file.toString(), why, e);
        }
    }

    /** Tells where a rejected value came from when an environment variable set it. */
    private static ConfigException noteSource(ConfigException e, Map<String, String> fromEnv) {
        String field = e.field().orElse(null);
        if (field == null) {
            return e;
        }
        for (var entry : fromEnv.entrySet()) {
            String path = entry.getKey();
            if (field.equals(path) || field.startsWith(path + ".") || field.startsWith(path + "[")) {
                return e.withNote("set by environment variable " + entry.getValue());
            }
        }
        return e;
    }

    /** Top-level JSON names of {@code other} that {@code own} does not have. */
    private static Set<String> onlyIn(Class<?> other, Class<?> own) {
        Set<String> names = new HashSet<>(topLevelNames(other));
        names.removeAll(topLevelNames(own));
        return names;
    }

    private static Set<String> topLevelNames(Class<?> record) {
        return Arrays.stream(record.getRecordComponents())
                .map(EnvOverrides::jsonName)
                .collect(Collectors.toSet());
    }
}
