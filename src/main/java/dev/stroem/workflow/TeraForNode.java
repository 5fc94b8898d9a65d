package dev.stroem.workflow;

import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.node.BodyNode;
import io.pebbletemplates.pebble.node.ForNode;
import io.pebbletemplates.pebble.node.expression.Expression;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;
import io.pebbletemplates.pebble.template.ScopeChain;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code for} loop with Tera's meaning: {@code loop.index} counts from 1, {@code loop.index0}
 * from 0, {@code loop.first}/{@code loop.last}; {@code for key, value in map} walks a map's entries
 * in their order; {@code {% break %}} and {@code {% continue %}} ({@link TeraLoopJump}) leave or
 * skip an iteration. It stays a {@link ForNode} (named by its value variable) so Pebble's own node
 * visitors still see its body.
 */
final class TeraForNode extends ForNode {
    private final String keyName;
    private final String valueName;
    private final Expression<?> iterable;
    private final BodyNode body;
    private final BodyNode elseBody;

    /** @param keyName the key variable of {@code for key, value in map}; null for {@code for value in …} */
    TeraForNode(int line, String keyName, String valueName, Expression<?> iterable, BodyNode body, BodyNode elseBody) {
        super(line, valueName, iterable, body, elseBody);
        this.keyName = keyName;
        this.valueName = valueName;
        this.iterable = iterable;
        this.body = body;
        this.elseBody = elseBody;
    }

    /** The key variable of {@code for key, value in map}, or null. */
    String keyVariable() {
        return keyName;
    }

    @Override
    public void render(PebbleTemplateImpl self, Writer writer, EvaluationContextImpl context) throws IOException {
        Object value = iterable.evaluate(self, context);
        List<Object[]> items = items(value, self);
        if (items.isEmpty()) {
            if (elseBody != null) {
                elseBody.render(self, writer, context);
            }
            return;
        }
        ScopeChain scope = context.getScopeChain();
        scope.pushScope();
        try {
            for (int i = 0; i < items.size(); i++) {
                var loop = new LinkedHashMap<String, Object>();
                loop.put("index", (long) i + 1);
                loop.put("index0", (long) i);
                loop.put("first", i == 0);
                loop.put("last", i == items.size() - 1);
                loop.put("length", (long) items.size());
                scope.put("loop", loop);
                if (keyName != null) {
                    scope.put(keyName, items.get(i)[0]);
                }
                scope.put(valueName, items.get(i)[1]);
                try {
                    body.render(self, writer, context);
                } catch (TeraLoopJump.Jump jump) {
                    if (jump.leave()) {
                        break;
                    }
                }
            }
        } finally {
            scope.popScope();
        }
    }

    /** {key, value} pairs: a map's entries; a list's or array's items (key = position). */
    private List<Object[]> items(Object value, PebbleTemplateImpl self) {
        var out = new ArrayList<Object[]>();
        if (value == null) {
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.add(new Object[] {k, v}));
            if (keyName == null) {
                // Pebble's habit for one variable over a map: the entries (entry.key, entry.value).
                var entries = new ArrayList<Object[]>();
                map.entrySet().forEach(e -> entries.add(new Object[] {null, e}));
                return entries;
            }
            return out;
        }
        if (keyName != null) {
            throw new PebbleException(null, "'for " + keyName + ", " + valueName + " in …' needs a map, got "
                    + kind(value), getLineNumber(), self.getName());
        }
        Iterable<?> iterableValue;
        if (value instanceof Iterable<?> it) {
            iterableValue = it;
        } else if (value instanceof Object[] array) {
            iterableValue = Arrays.asList(array);
        } else {
            throw new PebbleException(null, "'for " + valueName + " in …' needs a list or a map, got " + kind(value),
                    getLineNumber(), self.getName());
        }
        for (Object item : iterableValue) {
            out.add(new Object[] {null, item});
        }
        return out;
    }

    private static String kind(Object value) {
        return value instanceof String s ? "the text '" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'"
                : value instanceof Number ? "the number " + value : value.getClass().getSimpleName();
    }
}
