package dev.stroem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Console;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Turns a JSONL log line ({@code {"ts","stream","step","line"}}) into what a person reads:
 * {@code HH:MM:SS.mmm step | line} in local time, with {@code !} instead of {@code |} for stderr
 * (and the line in red when colour is on). A line that is not JSON is shown as it is.
 */
public final class LogLineFormatter {

    private static final String RED = "\u001b[31m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private final ObjectMapper json = new ObjectMapper();
    private final DateTimeFormatter time;
    private final boolean colour;

    public LogLineFormatter(ZoneId zone, boolean colour) {
        this.time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(zone);
        this.colour = colour;
    }

    /** Colour only on a terminal, and never when {@code NO_COLOR} is set (https://no-color.org). */
    public static boolean colourWanted(Map<String, String> env) {
        String noColour = env.get("NO_COLOR");
        return (noColour == null || noColour.isEmpty()) && stdoutIsTerminal();
    }

    public String format(String jsonl) {
        JsonNode node;
        try {
            node = json.readTree(jsonl);
        } catch (IOException e) {
            return jsonl;
        }
        if (node == null || !node.isObject()) {
            return jsonl;
        }
        String ts = timeOf(node.path("ts").asText(""));
        boolean stderr = "stderr".equals(node.path("stream").asText());
        String step = node.path("step").asText("");
        String line = node.path("line").asText("");
        if (!colour) {
            return ts + " " + step + (stderr ? " ! " : " | ") + line;
        }
        return DIM + ts + RESET + " " + step + (stderr ? " " + RED + "! " + line + RESET : " | " + line);
    }

    private String timeOf(String ts) {
        try {
            return time.format(Instant.parse(ts));
        } catch (DateTimeParseException e) {
            return ts.isEmpty() ? "??:??:??.???" : ts;
        }
    }

    private static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // Java 22+ has a console even without a terminal and says so through isTerminal().
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
