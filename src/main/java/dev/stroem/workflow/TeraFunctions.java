package dev.stroem.workflow;

import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tera's global functions with Tera's argument names and results: {@code range(end=, start=, step_by=)}
 * (end exclusive, unlike Pebble's own), {@code now(timestamp=, utc=)}, {@code throw(message=)},
 * {@code get_random(start=, end=)} and {@code get_env(name=, default=)}.
 */
final class TeraFunctions {
    /** What Tera's {@code now()} prints: RFC 3339 with microseconds and a numeric offset. */
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx");
    /** Far above any loop a script needs; keeps {@code range(end=10000000000)} from filling the heap. */
    static final long MAX_RANGE_ITEMS = 1_000_000;

    private TeraFunctions() {}

    static Map<String, Function> all(Clock clock) {
        var functions = new HashMap<String, Function>();
        functions.put("range", function(List.of("end", "start", "step_by"), (args, fail) -> range(args, fail)));
        functions.put("now", function(List.of("timestamp", "utc"), (args, fail) -> {
            var now = OffsetDateTime.now(truthy(args.get("utc")) ? clock.withZone(ZoneOffset.UTC) : clock);
            return truthy(args.get("timestamp")) ? (Object) now.toEpochSecond() : RFC_3339.format(now);
        }));
        functions.put("throw", function(List.of("message"), (args, fail) -> {
            throw fail.with(args.get("message") == null ? "throw() was called" : String.valueOf(args.get("message")));
        }));
        functions.put("get_random", function(List.of("start", "end"), (args, fail) -> {
            long start = args.get("start") == null ? 0 : number(args, "start", "get_random", fail);
            long end = number(args, "end", "get_random", fail);
            if (start >= end) {
                throw fail.with("get_random needs start < end, got start=" + start + " and end=" + end);
            }
            return ThreadLocalRandom.current().nextLong(start, end);
        }));
        functions.put("get_env", function(List.of("name", "default"), (args, fail) -> {
            Object name = args.get("name");
            if (!(name instanceof String variable) || variable.isEmpty()) {
                throw fail.with("get_env needs name=\"VARIABLE\"");
            }
            String value = System.getenv(variable);
            if (value != null) {
                return value;
            }
            if (args.get("default") != null) {
                return args.get("default");
            }
            throw fail.with("environment variable " + variable + " is not set");
        }));
        return functions;
    }

    private static Object range(Map<String, Object> args, Failure fail) {
        if (args.get("end") == null) {
            throw fail.with("range needs end=N");
        }
        long end = number(args, "end", "range", fail);
        long start = args.get("start") == null ? 0 : number(args, "start", "range", fail);
        long step = args.get("step_by") == null ? 1 : number(args, "step_by", "range", fail);
        if (start > end) {
            throw fail.with("range needs start <= end, got start=" + start + " and end=" + end);
        }
        if (step < 1) {
            throw fail.with("range needs step_by >= 1, got " + step);
        }
        if ((end - start + step - 1) / step > MAX_RANGE_ITEMS) {
            throw fail.with("range would have more than " + MAX_RANGE_ITEMS + " items");
        }
        var out = new ArrayList<Object>();
        for (long i = start; i < end; i += step) {
            out.add(i);
        }
        return TemplateEngine.printable(out);
    }

    private static long number(Map<String, Object> args, String name, String function, Failure fail) {
        Object value = args.get(name);
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw fail.with(function + " needs " + name + " to be a whole number, got " + value);
    }

    private static boolean truthy(Object value) {
        return value instanceof Boolean b ? b : value != null && Boolean.parseBoolean(String.valueOf(value));
    }

    /** Makes the error a template reports, with the template's name and line. */
    @FunctionalInterface
    private interface Failure {
        PebbleException with(String message);
    }

    @FunctionalInterface
    private interface Body {
        Object apply(Map<String, Object> args, Failure fail);
    }

    private static Function function(List<String> names, Body body) {
        return new Function() {
            @Override
            public List<String> getArgumentNames() {
                return names;
            }

            @Override
            public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int line) {
                return body.apply(args, message -> new PebbleException(null, message, line, self.getName()));
            }
        };
    }
}
