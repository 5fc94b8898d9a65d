package dev.stroem.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Tera's built-in filters with Tera's argument names ({@code join(sep=", ")},
 * {@code replace(from="a", to="b")}, {@code json_encode(pretty=true)} …), so templates written for
 * the original render the same here. Pebble filters of the same name are replaced; Pebble's own
 * other filters stay available.
 */
final class TeraFilters {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TeraFilters() {}

    /** A filter from its argument names (positional arguments take them in order) and its function. */
    private static Filter filter(List<String> names, BiFunction<Object, Map<String, Object>, Object> apply) {
        return new Filter() {
            @Override
            public List<String> getArgumentNames() {
                return names;
            }

            @Override
            public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context,
                    int lineNumber) {
                return TemplateEngine.printable(apply.apply(input, args));
            }
        };
    }

    private static Filter filter(BiFunction<Object, Map<String, Object>, Object> apply) {
        return filter(List.of(), apply);
    }

    static Map<String, Filter> all() {
        var f = new LinkedHashMap<String, Filter>();
        // Strings
        f.put("capitalize", filter((in, a) -> {
            String s = str(in);
            return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
        }));
        f.put("replace", filter(List.of("from", "to"), (in, a) -> str(in).replace(str(need(a, "from", "replace")),
                str(need(a, "to", "replace")))));
        f.put("trim", filter((in, a) -> str(in).strip()));
        f.put("trim_start", filter((in, a) -> str(in).stripLeading()));
        f.put("trim_end", filter((in, a) -> str(in).stripTrailing()));
        f.put("trim_start_matches", filter(List.of("pat"), (in, a) -> {
            String s = str(in);
            String pat = str(need(a, "pat", "trim_start_matches"));
            while (!pat.isEmpty() && s.startsWith(pat)) {
                s = s.substring(pat.length());
            }
            return s;
        }));
        f.put("trim_end_matches", filter(List.of("pat"), (in, a) -> {
            String s = str(in);
            String pat = str(need(a, "pat", "trim_end_matches"));
            while (!pat.isEmpty() && s.endsWith(pat)) {
                s = s.substring(0, s.length() - pat.length());
            }
            return s;
        }));
        f.put("truncate", filter(List.of("length", "end"), (in, a) -> {
            String s = str(in);
            int length = a.get("length") == null ? 255 : num(a.get("length"), "truncate").intValue();
            String end = a.get("end") == null ? "…" : str(a.get("end"));
            int[] points = s.codePoints().toArray();
            return points.length <= length ? s : new String(points, 0, Math.max(0, length)) + end;
        }));
        f.put("wordcount", filter((in, a) -> (long) Arrays.stream(str(in).split("\\s+")).filter(w -> !w.isEmpty()).count()));
        f.put("addslashes", filter((in, a) -> str(in).replace("\\", "\\\\").replace("\"", "\\\"").replace("'", "\\'")));
        f.put("slugify", filter((in, a) -> Normalizer.normalize(str(in), Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "")));
        f.put("linebreaksbr", filter((in, a) -> str(in).replace("\r\n", "<br>").replace("\n", "<br>")));
        f.put("spaceless", filter((in, a) -> str(in).replaceAll(">\\s+<", "><")));
        f.put("striptags", filter((in, a) -> str(in).replaceAll("<[^>]*>", "")));
        f.put("indent", filter(List.of("prefix", "first", "blank"), (in, a) -> {
            String prefix = a.get("prefix") == null ? "    " : str(a.get("prefix"));
            boolean first = truthy(a.get("first"));
            boolean blank = truthy(a.get("blank"));
            String[] lines = str(in).split("\n", -1);
            var out = new StringBuilder();
            for (int i = 0; i < lines.length; i++) {
                if (i > 0) {
                    out.append('\n');
                }
                if ((i > 0 || first) && (blank || !lines[i].isBlank())) {
                    out.append(prefix);
                }
                out.append(lines[i]);
            }
            return out.toString();
        }));
        f.put("split", filter(List.of("pat"), (in, a) ->
                new ArrayList<Object>(Arrays.asList(str(in).split(java.util.regex.Pattern.quote(str(need(a, "pat", "split"))), -1)))));
        f.put("int", filter(List.of("default", "base"), (in, a) -> toInt(in, a)));
        f.put("float", filter(List.of("default"), (in, a) -> {
            try {
                return in instanceof Number n ? n.doubleValue() : Double.parseDouble(str(in).strip());
            } catch (NumberFormatException e) {
                return a.get("default") == null ? 0.0 : num(a.get("default"), "float").doubleValue();
            }
        }));
        f.put("as_str", filter((in, a) -> str(in)));
        f.put("json_encode", filter(List.of("pretty"), (in, a) -> json(in, truthy(a.get("pretty")))));
        f.put("urlencode", filter((in, a) -> urlencode(str(in), "/")));
        f.put("urlencode_strict", filter((in, a) -> urlencode(str(in), "")));
        f.put("escape_xml", filter((in, a) -> str(in).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&apos;")));
        f.put("safe", filter((in, a) -> in));
        // Arrays and objects
        f.put("nth", filter(List.of("n"), (in, a) -> {
            List<Object> list = list(in, "nth");
            int n = num(need(a, "n", "nth"), "nth").intValue();
            return n >= 0 && n < list.size() ? list.get(n) : null;
        }));
        f.put("join", filter(List.of("sep"), (in, a) -> {
            String sep = a.get("sep") == null ? "" : str(a.get("sep"));
            return String.join(sep, list(in, "join").stream().map(TeraFilters::str).toList());
        }));
        f.put("sort", filter(List.of("attribute"), (in, a) -> {
            var out = new ArrayList<>(list(in, "sort"));
            String attribute = a.get("attribute") == null ? null : str(a.get("attribute"));
            out.sort((x, y) -> compare(attribute == null ? x : attr(x, attribute), attribute == null ? y : attr(y, attribute)));
            return out;
        }));
        f.put("unique", filter(List.of("attribute", "case_sensitive"), (in, a) -> {
            String attribute = a.get("attribute") == null ? null : str(a.get("attribute"));
            boolean caseSensitive = truthy(a.get("case_sensitive"));
            var seen = new LinkedHashSet<Object>();
            var out = new ArrayList<Object>();
            for (Object item : list(in, "unique")) {
                Object key = attribute == null ? item : attr(item, attribute);
                if (key instanceof String s && !caseSensitive) {
                    key = s.toLowerCase(Locale.ROOT);
                }
                if (seen.add(key == null ? "\0null" : key)) {
                    out.add(item);
                }
            }
            return out;
        }));
        f.put("slice", filter(List.of("start", "end"), (in, a) -> {
            List<Object> list = list(in, "slice");
            int size = list.size();
            int start = a.get("start") == null ? 0 : num(a.get("start"), "slice").intValue();
            int end = a.get("end") == null ? size : num(a.get("end"), "slice").intValue();
            start = Math.max(0, Math.min(size, start < 0 ? size + start : start));
            end = Math.max(0, Math.min(size, end < 0 ? size + end : end));
            return end <= start ? new ArrayList<>() : new ArrayList<>(list.subList(start, end));
        }));
        f.put("group_by", filter(List.of("attribute"), (in, a) -> {
            String attribute = str(need(a, "attribute", "group_by"));
            var out = new LinkedHashMap<String, Object>();
            for (Object item : list(in, "group_by")) {
                Object key = attr(item, attribute);
                if (key != null) {
                    @SuppressWarnings("unchecked")
                    var group = (List<Object>) out.computeIfAbsent(str(key), k -> new ArrayList<>());
                    group.add(item);
                }
            }
            return out;
        }));
        f.put("filter", filter(List.of("attribute", "value"), (in, a) -> {
            String attribute = str(need(a, "attribute", "filter"));
            Object value = a.get("value");
            return list(in, "filter").stream().filter(item -> value == null ? truthy(attr(item, attribute))
                    : looseEquals(attr(item, attribute), value)).toList();
        }));
        f.put("map", filter(List.of("attribute"), (in, a) -> {
            String attribute = str(need(a, "attribute", "map"));
            return list(in, "map").stream().map(item -> attr(item, attribute)).filter(Objects::nonNull).toList();
        }));
        f.put("concat", filter(List.of("with"), (in, a) -> {
            var out = new ArrayList<>(list(in, "concat"));
            Object with = need(a, "with", "concat");
            if (with instanceof Collection<?> more) {
                out.addAll(more);
            } else {
                out.add(with);
            }
            return out;
        }));
        f.put("get", filter(List.of("key", "default"), (in, a) -> {
            String key = str(need(a, "key", "get"));
            if (!(in instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("filter 'get' needs an object, got " + kind(in));
            }
            if (map.containsKey(key)) {
                return map.get(key);
            }
            if (a.containsKey("default") && a.get("default") != null) {
                return a.get("default");
            }
            throw new IllegalArgumentException("filter 'get': the object has no key '" + key + "'");
        }));
        // Numbers
        f.put("pluralize", filter(List.of("singular", "plural"), (in, a) -> {
            double n = num(in, "pluralize").doubleValue();
            String singular = a.get("singular") == null ? "" : str(a.get("singular"));
            String plural = a.get("plural") == null ? "s" : str(a.get("plural"));
            return n == 1 || n == -1 ? singular : plural;
        }));
        f.put("round", filter(List.of("method", "precision"), (in, a) -> {
            BigDecimal value = new BigDecimal(num(in, "round").toString());
            int precision = a.get("precision") == null ? 0 : num(a.get("precision"), "round").intValue();
            String method = a.get("method") == null ? "common" : str(a.get("method"));
            RoundingMode mode = switch (method) {
                case "ceil" -> RoundingMode.CEILING;
                case "floor" -> RoundingMode.FLOOR;
                case "common" -> RoundingMode.HALF_UP;
                default -> throw new IllegalArgumentException("filter 'round': method must be common, ceil or floor");
            };
            return value.setScale(precision, mode).doubleValue();
        }));
        f.put("filesizeformat", filter((in, a) -> {
            double bytes = num(in, "filesizeformat").doubleValue();
            String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
            int unit = 0;
            while (Math.abs(bytes) >= 1024 && unit < units.length - 1) {
                bytes /= 1024;
                unit++;
            }
            return unit == 0 ? (long) bytes + " B" : String.format(Locale.ROOT, "%.2f %s", bytes, units[unit]);
        }));
        f.put("date", filter(List.of("format", "timezone"), (in, a) -> date(in,
                a.get("format") == null ? "%Y-%m-%d" : str(a.get("format")),
                a.get("timezone") == null ? null : str(a.get("timezone")))));
        return f;
    }

    // ------------------------------------------------------------------ helpers

    static String str(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return BigDecimal.valueOf(d).stripTrailingZeros().scale() <= 0 ? String.format(Locale.ROOT, "%.1f", d) : d.toString();
        }
        return value.toString();
    }

    private static Object need(Map<String, Object> args, String name, String filter) {
        Object value = args.get(name);
        if (value == null) {
            throw new IllegalArgumentException("filter '" + filter + "' needs the argument '" + name + "'");
        }
        return value;
    }

    private static Number num(Object value, String filter) {
        if (value instanceof Number n) {
            return n;
        }
        try {
            return new BigDecimal(str(value).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("filter '" + filter + "' needs a number, got " + kind(value));
        }
    }

    private static Object toInt(Object in, Map<String, Object> a) {
        long fallback = a.get("default") == null ? 0 : num(a.get("default"), "int").longValue();
        if (in instanceof Number n) {
            return n.longValue();
        }
        int base = a.get("base") == null ? 10 : num(a.get("base"), "int").intValue();
        String text = str(in).strip();
        if (base == 16 && text.toLowerCase(Locale.ROOT).startsWith("0x")
                || base == 8 && text.toLowerCase(Locale.ROOT).startsWith("0o")
                || base == 2 && text.toLowerCase(Locale.ROOT).startsWith("0b")) {
            text = text.substring(2);
        }
        try {
            return Long.parseLong(text, base);
        } catch (NumberFormatException e) {
            try {
                return base == 10 ? (long) Double.parseDouble(text) : fallback;
            } catch (NumberFormatException again) {
                return fallback;
            }
        }
    }

    private static boolean truthy(Object value) {
        return value instanceof Boolean b ? b : value != null && !"false".equals(str(value)) && !str(value).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String filter) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        if (value instanceof Collection<?> collection) {
            return new ArrayList<>(collection);
        }
        throw new IllegalArgumentException("filter '" + filter + "' needs an array, got " + kind(value));
    }

    private static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof String s) {
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        return value instanceof Number ? "a number" : value.getClass().getSimpleName();
    }

    private static Object attr(Object item, String path) {
        Object current = item;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object x, Object y) {
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        if (x instanceof Number a && y instanceof Number b) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
        }
        if (x instanceof Comparable a && x.getClass() == y.getClass()) {
            return a.compareTo(y);
        }
        return str(x).compareTo(str(y));
    }

    private static boolean looseEquals(Object x, Object y) {
        if (x instanceof Number a && y instanceof Number b) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
        }
        return Objects.equals(x, y) || x != null && y != null && str(x).equals(str(y)) && x.getClass() == y.getClass();
    }

    private static String json(Object value, boolean pretty) {
        try {
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value) : JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("filter 'json_encode': " + e.getOriginalMessage(), e);
        }
    }

    /** Percent-encoding as Tera's: unreserved characters (and {@code keep}) stay. */
    private static String urlencode(String text, String keep) {
        var out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || "-_.~".indexOf(c) >= 0 || keep.indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Tera's {@code date}: a timestamp (seconds) or an ISO date/time, formatted with strftime codes. */
    private static String date(Object in, String format, String timezone) {
        ZonedDateTime time;
        ZoneId zone = timezone == null ? ZoneOffset.UTC : ZoneId.of(timezone);
        if (in instanceof Number n) {
            time = Instant.ofEpochSecond(n.longValue()).atZone(zone);
        } else {
            String text = str(in).strip();
            try {
                time = OffsetDateTime.parse(text).atZoneSameInstant(zone);
            } catch (DateTimeParseException e) {
                try {
                    time = LocalDateTime.parse(text).atZone(timezone == null ? ZoneOffset.UTC : zone);
                } catch (DateTimeParseException e2) {
                    try {
                        time = LocalDate.parse(text).atStartOfDay(timezone == null ? ZoneOffset.UTC : zone);
                    } catch (DateTimeParseException e3) {
                        throw new IllegalArgumentException("filter 'date' needs a timestamp or an ISO 8601 date, got "
                                + kind(in));
                    }
                }
            }
        }
        var out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                out.append(c);
                continue;
            }
            char code = format.charAt(++i);
            out.append(switch (code) {
                case 'Y' -> pattern(time, "yyyy");
                case 'y' -> pattern(time, "yy");
                case 'm' -> pattern(time, "MM");
                case 'd' -> pattern(time, "dd");
                case 'e' -> String.format(Locale.ROOT, "%2d", time.getDayOfMonth());
                case 'H' -> pattern(time, "HH");
                case 'I' -> pattern(time, "hh");
                case 'M' -> pattern(time, "mm");
                case 'S' -> pattern(time, "ss");
                case 'p' -> pattern(time, "a");
                case 'b', 'h' -> pattern(time, "MMM");
                case 'B' -> pattern(time, "MMMM");
                case 'a' -> pattern(time, "EEE");
                case 'A' -> pattern(time, "EEEE");
                case 'j' -> pattern(time, "DDD");
                case 'F' -> pattern(time, "yyyy-MM-dd");
                case 'T' -> pattern(time, "HH:mm:ss");
                case 'R' -> pattern(time, "HH:mm");
                case 'D' -> pattern(time, "MM/dd/yy");
                case 'z' -> pattern(time, "xx");
                case 'Z' -> time.getZone().equals(ZoneOffset.UTC) ? "UTC" : pattern(time, "zzz");
                case 's' -> Long.toString(time.toEpochSecond());
                case 'f' -> pattern(time, "SSSSSSSSS");
                case '%' -> "%";
                default -> "%" + code;
            });
        }
        return out.toString();
    }

    private static String pattern(ZonedDateTime time, String pattern) {
        return DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).format(time);
    }
}
