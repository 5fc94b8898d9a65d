package dev.stroem.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.AttributeNotFoundException;
import io.pebbletemplates.pebble.error.ParserException;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.error.RootAttributeNotFoundException;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.extension.core.DefaultFilter;
import io.pebbletemplates.pebble.extension.core.DisallowExtensionCustomizerBuilder;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.pebbletemplates.pebble.tokenParser.TokenParser;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the original's Tera-style templates ({@code {{ input.x }}}, {@code {% if %}}) with Pebble.
 *
 * <p>Scripts must come out byte for byte as written apart from the expressions, so autoescaping and
 * Pebble's newline trimming are off. Variables are strict, as in Tera: an undefined variable is an
 * error naming the template and the variable, never an empty string. Tags that read other templates
 * ({@code include}, {@code import}, {@code extends}…) are disabled: a template is one string.
 * Maps and lists print as JSON, so {@code echo '{{ build.output }}'} gives JSON, as the original.
 * Thread-safe.
 */
public final class TemplateEngine {

    /** Caps a runaway loop in a template; a script is never anywhere near this. */
    private static final int MAX_RENDERED_CHARS = 16 * 1024 * 1024;
    private static final List<String> DISALLOWED_TAGS =
            List.of("include", "import", "from", "extends", "embed", "parallel", "cache", "block");
    private static final Pattern SIMPLE_REFERENCE =
            Pattern.compile("\\s*\\{\\{\\s*([A-Za-z_]\\w*(?:\\.\\w+)*)\\s*}}\\s*");

    private final PebbleEngine pebble;

    public TemplateEngine() {
        this(Clock.systemDefaultZone());
    }

    /** @param clock what {@code now()} reads */
    TemplateEngine(Clock clock) {
        this.pebble = new PebbleEngine.Builder()
                .loader(new StringLoader())
                .autoEscaping(false)
                .newLineTrimming(false)
                .strictVariables(true)
                // Tera's `not` (truthiness of any value) in place of Pebble's (booleans only).
                .allowOverrideCoreOperators(true)
                .cacheActive(false)
                .maxRenderedSize(MAX_RENDERED_CHARS)
                .registerExtensionCustomizer(new DisallowExtensionCustomizerBuilder()
                        .disallowedTokenParserTags(DISALLOWED_TAGS)
                        .build())
                .extension(new TeraCompatibility(clock))
                .build();
    }

    /** True when {@code text} contains template syntax at all. */
    public static boolean isTemplate(String text) {
        return text.contains("{{") || text.contains("{%") || text.contains("{#");
    }

    /**
     * Parses {@code template} without rendering it.
     *
     * @param where what the template is, for the message (e.g. "step 'greet' script")
     * @throws TemplateException on a syntax error
     */
    public void check(String template, String where) {
        if (!isTemplate(template)) {
            return;
        }
        io.pebbletemplates.pebble.template.PebbleTemplateImpl compiled;
        try {
            compiled = (io.pebbletemplates.pebble.template.PebbleTemplateImpl) pebble.getLiteralTemplate(template);
        } catch (PebbleException e) {
            throw failure(where, template, e);
        }
        // Pebble finds an unknown filter or function only when it runs; the author should hear of it at load.
        for (String name : filterNames(template)) {
            if (pebble.getExtensionRegistry().getFilter(name) == null) {
                throw new TemplateException("Template " + where + ": unknown filter '" + name + "'", null);
            }
        }
        for (String name : TemplateReferences.calls(compiled.getRootNode())) {
            if (pebble.getExtensionRegistry().getFunction(name) == null) {
                throw new TemplateException("Template " + where + ": unknown function '" + name + "()'", null);
            }
        }
    }

    /**
     * The variables {@code template} reads, with the attribute path after each and whether a
     * {@code default} filter or an {@code is defined} test guards it.
     *
     * @throws TemplateException on a syntax error
     */
    List<TemplateReferences.Reference> references(String template, String where) {
        if (!isTemplate(template)) {
            return List.of();
        }
        try {
            var compiled = (io.pebbletemplates.pebble.template.PebbleTemplateImpl) pebble.getLiteralTemplate(template);
            return TemplateReferences.of(compiled.getRootNode());
        } catch (PebbleException e) {
            throw failure(where, template, e);
        }
    }

    private static final Pattern TAG = Pattern.compile("\\{\\{(.*?)}}|\\{%(.*?)%}", Pattern.DOTALL);
    private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern FILTER_USE = Pattern.compile("\\|\\s*([A-Za-z_]\\w*)");
    private static final Pattern FILTER_TAG = Pattern.compile("^-?\\s*filter\\s+([A-Za-z_]\\w*)");

    /** The filters a template applies: {@code | name} inside its tags, and {@code {% filter name %}} blocks. */
    static java.util.Set<String> filterNames(String template) {
        var names = new java.util.LinkedHashSet<String>();
        Matcher tags = TAG.matcher(template);
        while (tags.find()) {
            String body = tags.group(1) != null ? tags.group(1) : tags.group(2);
            body = STRING_LITERAL.matcher(body).replaceAll("\"\"");
            if (tags.group(2) != null) {
                Matcher block = FILTER_TAG.matcher(body.strip());
                if (block.find()) {
                    names.add(block.group(1));
                }
            }
            Matcher uses = FILTER_USE.matcher(body);
            while (uses.find()) {
                names.add(uses.group(1));
            }
        }
        return names;
    }

    /**
     * Renders {@code template} against {@code context}.
     *
     * @throws TemplateException on a syntax error, an undefined variable or any other render error
     */
    public String render(String template, Map<String, Object> context, String where) {
        if (!isTemplate(template)) {
            return template;
        }
        try {
            PebbleTemplate compiled = pebble.getLiteralTemplate(template);
            var out = new StringWriter(template.length() + 64);
            compiled.evaluate(out, jsonPrinting(context));
            return out.toString();
        } catch (PebbleException e) {
            throw failure(where, template, e);
        } catch (IOException | RuntimeException e) {
            throw new TemplateException("Template " + where + " failed to render: " + e.getMessage(), e);
        }
    }

    /**
     * Renders every string inside {@code value} (maps and lists are walked; numbers, booleans and
     * null pass through). A string that is exactly one reference such as {@code "{{ input.db }}"}
     * to a map or list yields that structure itself rather than its text, as in the original.
     */
    public Object renderValue(Object value, Map<String, Object> context, String where) {
        if (value instanceof String text) {
            Object structured = structuredReference(text, context);
            return structured != null ? structured : render(text, context, where);
        }
        if (value instanceof Map<?, ?> map) {
            var out = new LinkedHashMap<String, Object>();
            map.forEach((k, v) -> out.put(String.valueOf(k), renderValue(v, context, where + "." + k)));
            return out;
        }
        if (value instanceof List<?> list) {
            var out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(renderValue(list.get(i), context, where + "[" + i + "]"));
            }
            return out;
        }
        return value;
    }

    /** Checks every string inside {@code value}, like {@link #renderValue}. */
    public void checkValue(Object value, String where) {
        if (value instanceof String text) {
            check(text, where);
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> checkValue(v, where + "." + k));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkValue(list.get(i), where + "[" + i + "]");
            }
        }
    }

    private static Object structuredReference(String text, Map<String, Object> context) {
        Matcher m = SIMPLE_REFERENCE.matcher(text);
        if (!m.matches()) {
            return null;
        }
        Object current = context;
        for (String part : m.group(1).split("\\.")) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
                return null;
            }
            current = map.get(part);
        }
        return current instanceof Map || current instanceof List ? current : null;
    }

    private static TemplateException failure(String where, String template, PebbleException e) {
        String line = e.getLineNumber() == null ? "" : " (line " + e.getLineNumber() + ")";
        String reason;
        if (e instanceof RootAttributeNotFoundException missing) {
            reason = "undefined variable '" + missing.getAttributeName() + "'";
        } else if (e instanceof AttributeNotFoundException missing) {
            reason = "undefined variable '" + fullPath(template, e.getLineNumber(), missing.getAttributeName()) + "'";
        } else if (e instanceof ParserException) {
            reason = "syntax error: " + e.getPebbleMessage();
        } else {
            reason = e.getPebbleMessage();
        }
        return new TemplateException("Template " + where + ": " + reason + line, e);
    }

    /**
     * Pebble names only the last attribute of {@code input.missing}; find the dotted path on that
     * line so the message says what the author wrote.
     */
    private static String fullPath(String template, Integer lineNumber, String attribute) {
        String[] lines = template.split("\n", -1);
        String line = lineNumber != null && lineNumber >= 1 && lineNumber <= lines.length ? lines[lineNumber - 1] : template;
        Matcher m = Pattern.compile("[A-Za-z_]\\w*(?:\\.\\w+)*\\." + Pattern.quote(attribute) + "\\b").matcher(line);
        return m.find() ? m.group() : attribute;
    }

    private static Map<String, Object> jsonPrinting(Map<String, Object> context) {
        var out = new HashMap<String, Object>();
        context.forEach((k, v) -> out.put(k, JsonPrinting.wrap(v)));
        return out;
    }

    /** A filter's result as templates print it: maps and lists as JSON. */
    static Object printable(Object value) {
        return JsonPrinting.wrap(value);
    }

    /** Maps and lists whose {@code toString} is their JSON, which is what a template prints. */
    private static final class JsonPrinting {
        private static final ObjectMapper JSON = new ObjectMapper();

        static Object wrap(Object value) {
            if (value instanceof Map<?, ?> map) {
                var out = new JsonMap();
                map.forEach((k, v) -> out.put(String.valueOf(k), wrap(v)));
                return out;
            }
            if (value instanceof List<?> list) {
                var out = new JsonList();
                list.forEach(v -> out.add(wrap(v)));
                return out;
            }
            return value;
        }

        static String print(Object value) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("value cannot be printed as JSON: " + e.getOriginalMessage(), e);
            }
        }
    }

    private static final class JsonMap extends LinkedHashMap<String, Object> {
        @Override
        public String toString() {
            return JsonPrinting.print(this);
        }
    }

    private static final class JsonList extends ArrayList<Object> {
        @Override
        public String toString() {
            return JsonPrinting.print(this);
        }
    }

    /**
     * Tera spells the fallback {@code default(value='x')}; Pebble {@code default('x')}. Accept both.
     * Also the original's {@code | vals} (resolves {@code ref+…} with the vals CLI; anything else
     * passes through), Tera's functions ({@link TeraFunctions}) and Tera's {@code for} loops
     * ({@code for k, v in map}, {@code loop.index} from 1, {@code break}/{@code continue}).
     */
    private static final class TeraCompatibility extends AbstractExtension {
        private final Clock clock;

        TeraCompatibility(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Map<String, Filter> getFilters() {
            var filters = new HashMap<String, Filter>(TeraFilters.all());
            filters.put("default", new TeraDefaultFilter());
            filters.put("vals", new ValsFilter());
            return filters;
        }

        @Override
        public Map<String, io.pebbletemplates.pebble.extension.Function> getFunctions() {
            return TeraFunctions.all(clock);
        }

        @Override
        public List<TokenParser> getTokenParsers() {
            return List.of(new TeraForTokenParser(), TeraLoopJump.tag(true), TeraLoopJump.tag(false));
        }

        @Override
        public List<io.pebbletemplates.pebble.operator.UnaryOperator> getUnaryOperators() {
            // Same symbol and precedence as Pebble's own `not`.
            return List.of(new io.pebbletemplates.pebble.operator.UnaryOperatorImpl("not", 500, TeraNot.class));
        }
    }

    /**
     * Tera's {@code not}: true for a value Tera counts as false (null, {@code false}, zero, an empty
     * string, list or map), so the original's guard {@code not state} works on a task without state
     * and on one with it, where Pebble's {@code not} takes booleans only. Public: Pebble makes it.
     */
    public static final class TeraNot extends io.pebbletemplates.pebble.node.expression.UnaryExpression {
        @Override
        public Boolean evaluate(io.pebbletemplates.pebble.template.PebbleTemplateImpl self,
                io.pebbletemplates.pebble.template.EvaluationContextImpl context) {
            return !teraTruthy(getChildExpression().evaluate(self, context));
        }
    }

    static boolean teraTruthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof CharSequence text) {
            return text.length() > 0;
        }
        if (value instanceof java.util.Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    private static final class ValsFilter implements Filter {
        @Override
        public List<String> getArgumentNames() {
            return List.of();
        }

        @Override
        public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int lineNumber) {
            if (!dev.stroem.secrets.ExternalSecrets.isReference(input)) {
                return input;
            }
            try {
                return dev.stroem.secrets.ExternalSecrets.vals((String) input);
            } catch (dev.stroem.secrets.ExternalSecrets.ToolException e) {
                throw new PebbleException(null, e.getMessage(), lineNumber, self.getName());
            }
        }
    }

    /** Stays a {@link DefaultFilter}: Pebble lets only that filter see an undefined variable. */
    private static final class TeraDefaultFilter extends DefaultFilter {
        @Override
        public List<String> getArgumentNames() {
            return List.of("default", "value");
        }

        @Override
        public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int lineNumber) {
            if (args.get("default") == null && args.containsKey("value")) {
                var renamed = new HashMap<>(args);
                renamed.put("default", args.get("value"));
                return super.apply(input, renamed, self, context, lineNumber);
            }
            return super.apply(input, args, self, context, lineNumber);
        }
    }
}
