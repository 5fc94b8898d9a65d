package dev.stroem.workflow;

import io.pebbletemplates.pebble.node.ArgumentsNode;
import io.pebbletemplates.pebble.node.AutoEscapeNode;
import io.pebbletemplates.pebble.node.BodyNode;
import io.pebbletemplates.pebble.node.ForNode;
import io.pebbletemplates.pebble.node.IfNode;
import io.pebbletemplates.pebble.node.NamedArgumentNode;
import io.pebbletemplates.pebble.node.Node;
import io.pebbletemplates.pebble.node.PositionalArgumentNode;
import io.pebbletemplates.pebble.node.PrintNode;
import io.pebbletemplates.pebble.node.RootNode;
import io.pebbletemplates.pebble.node.SetNode;
import io.pebbletemplates.pebble.node.TestInvocationExpression;
import io.pebbletemplates.pebble.node.expression.AndExpression;
import io.pebbletemplates.pebble.node.expression.ArrayExpression;
import io.pebbletemplates.pebble.node.expression.BinaryExpression;
import io.pebbletemplates.pebble.node.expression.ContextVariableExpression;
import io.pebbletemplates.pebble.node.expression.Expression;
import io.pebbletemplates.pebble.node.expression.FilterExpression;
import io.pebbletemplates.pebble.node.expression.FilterInvocationExpression;
import io.pebbletemplates.pebble.node.expression.FunctionOrMacroInvocationExpression;
import io.pebbletemplates.pebble.node.expression.GetAttributeExpression;
import io.pebbletemplates.pebble.node.expression.LiteralStringExpression;
import io.pebbletemplates.pebble.node.expression.MapExpression;
import io.pebbletemplates.pebble.node.expression.NegativeTestExpression;
import io.pebbletemplates.pebble.node.expression.OrExpression;
import io.pebbletemplates.pebble.node.expression.PositiveTestExpression;
import io.pebbletemplates.pebble.node.expression.RenderableNodeExpression;
import io.pebbletemplates.pebble.node.expression.TernaryExpression;
import io.pebbletemplates.pebble.node.expression.UnaryExpression;
import io.pebbletemplates.pebble.utils.Pair;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks a parsed template (Pebble's node tree) and lists the context variables it reads: the
 * root name ({@code input} of {@code input.body.ref}) and the literal attribute path after it.
 * Names the template binds itself ({@code for} variables, {@code loop}, {@code set}) are left
 * out. A reference is <em>guarded</em> when the template copes with it being undefined: the left
 * side of {@code | default(…)}, the subject of {@code is defined}, or anything inside an
 * {@code if}/{@code and}/ternary whose condition tested it with {@code is defined}.
 */
final class TemplateReferences {

    /**
     * @param root the context variable
     * @param path the literal attributes read after it ({@code ["body", "ref"]}), possibly empty
     * @param line 1-based line in the template
     */
    record Reference(String root, List<String> path, int line, boolean guarded) {
        Reference {
            path = List.copyOf(path);
        }

        /** {@code root.a.b} as the author wrote it (subscripts shown as attributes). */
        String dotted() {
            return path.isEmpty() ? root : root + "." + String.join(".", path);
        }
    }

    private final List<Reference> found = new ArrayList<>();
    /** Functions called, in order; a macro the template defines is not one. */
    private final Set<String> calls = new java.util.LinkedHashSet<>();
    private final Set<String> macros = new HashSet<>();
    private final Deque<Set<String>> bound = new ArrayDeque<>();
    /** Paths ({@code root.a}) an enclosing condition tested with {@code is defined}. */
    private final Deque<List<String>> definedGuards = new ArrayDeque<>();
    private int guardedDepth;

    private TemplateReferences() {
        bound.push(new HashSet<>());
    }

    static List<Reference> of(Node root) {
        var walker = new TemplateReferences();
        walker.node(root);
        return Collections.unmodifiableList(walker.found);
    }

    /** The functions {@code root} calls ({@code now} of {@code {{ now() }}}), macros it defines left out. */
    static Set<String> calls(Node root) {
        var walker = new TemplateReferences();
        walker.node(root);
        walker.calls.removeAll(walker.macros);
        return Collections.unmodifiableSet(walker.calls);
    }

    private void node(Node node) {
        if (node == null) {
            return;
        }
        if (node instanceof RootNode root) {
            node(root.getBody());
        } else if (node instanceof BodyNode body) {
            body.getChildren().forEach(this::node);
        } else if (node instanceof PrintNode print) {
            expression(print.getExpression());
        } else if (node instanceof IfNode ifNode) {
            for (Pair<Expression<?>, BodyNode> branch : ifNode.getConditionsWithBodies()) {
                expression(branch.getLeft());
                withGuards(definedIn(branch.getLeft(), true), () -> node(branch.getRight()));
            }
            node(ifNode.getElseBody());
        } else if (node instanceof ForNode loop) {
            expression(loop.getIterable());
            var names = new HashSet<String>();
            names.add(loop.getIterationVariable());
            names.add("loop");
            if (loop instanceof TeraForNode tera && tera.keyVariable() != null) {
                names.add(tera.keyVariable());
            }
            bound.push(names);
            node(loop.getBody());
            bound.pop();
            node(loop.getElseBody());
        } else if (node instanceof SetNode set) {
            expression(set.getValue());
            bound.peek().add(set.getName());
        } else if (node instanceof io.pebbletemplates.pebble.node.MacroNode macro) {
            macros.add(macro.getName());
        } else if (node instanceof AutoEscapeNode escape) {
            node(escape.getBody());
        } else if (node instanceof ArgumentsNode args) {
            if (args.getPositionalArgs() != null) {
                args.getPositionalArgs().forEach(a -> expression(a.getValueExpression()));
            }
            if (args.getNamedArgs() != null) {
                args.getNamedArgs().forEach(a -> expression(a.getValueExpression()));
            }
        } else if (node instanceof PositionalArgumentNode arg) {
            expression(arg.getValueExpression());
        } else if (node instanceof NamedArgumentNode arg) {
            expression(arg.getValueExpression());
        } else if (node instanceof Expression<?> expression) {
            expression(expression);
        }
        // Text, flush, macros (Tera needs them imported, which templates here cannot) and loop jumps read nothing.
    }

    private void expression(Expression<?> e) {
        if (e == null) {
            return;
        }
        if (e instanceof ContextVariableExpression variable) {
            reference(variable.getName(), List.of(), variable.getLineNumber());
        } else if (e instanceof GetAttributeExpression attribute) {
            attributeChain(attribute);
        } else if (e instanceof FilterExpression filter) {
            boolean fallback = filter.getRightExpression() instanceof FilterInvocationExpression invocation
                    && "default".equals(invocation.getFilterName());
            guarded(fallback, () -> expression(filter.getLeftExpression()));
            expression(filter.getRightExpression());
        } else if (e instanceof PositiveTestExpression test) {
            boolean defined = test.getRightExpression() instanceof TestInvocationExpression invocation
                    && "defined".equals(invocation.getTestName());
            guarded(defined, () -> expression(test.getLeftExpression()));
            if (test.getRightExpression() instanceof TestInvocationExpression invocation) {
                node(invocation.getArgs());
            }
        } else if (e instanceof AndExpression and) {
            expression(and.getLeftExpression());
            withGuards(definedIn(and.getLeftExpression(), true), () -> expression(and.getRightExpression()));
        } else if (e instanceof OrExpression or) {
            expression(or.getLeftExpression());
            withGuards(definedIn(or.getLeftExpression(), false), () -> expression(or.getRightExpression()));
        } else if (e instanceof TernaryExpression ternary) {
            expression(ternary.getExpression1());
            withGuards(definedIn(ternary.getExpression1(), true), () -> expression(ternary.getExpression2()));
            expression(ternary.getExpression3());
        } else if (e instanceof BinaryExpression<?> binary) {
            expression(binary.getLeftExpression());
            expression(binary.getRightExpression());
        } else if (e instanceof RenderableNodeExpression rendered) {
            node(rendered.getNode());
        } else if (e instanceof UnaryExpression unary) {
            expression(unary.getChildExpression());
        } else if (e instanceof FunctionOrMacroInvocationExpression call) {
            calls.add(call.getFunctionName());
            node(call.getArguments());
        } else if (e instanceof FilterInvocationExpression filter) {
            node(filter.getArgs());
        } else if (e instanceof TestInvocationExpression test) {
            node(test.getArgs());
        } else if (e instanceof MapExpression map) {
            map.getEntries().forEach((k, v) -> {
                expression(k);
                expression(v);
            });
        } else if (e instanceof ArrayExpression array) {
            array.getValues().forEach(this::expression);
        }
        // Literals read nothing.
    }

    /** {@code a.b['c'].d}: one reference {@code a} with path {@code [b, c, d]} (up to the first computed name). */
    private void attributeChain(GetAttributeExpression outer) {
        var chain = new ArrayList<GetAttributeExpression>();
        Expression<?> base = outer;
        while (base instanceof GetAttributeExpression attribute) {
            chain.add(0, attribute);
            base = attribute.getNode();
        }
        var path = new ArrayList<String>();
        boolean literal = true;
        for (GetAttributeExpression attribute : chain) {
            if (attribute.getAttributeNameExpression() instanceof LiteralStringExpression name && literal) {
                path.add(name.getValue());
            } else {
                literal = false;
                expression(attribute.getAttributeNameExpression());
            }
            node(attribute.getArgumentsNode());
        }
        if (base instanceof ContextVariableExpression variable) {
            reference(variable.getName(), path, variable.getLineNumber());
        } else {
            expression(base);
        }
    }

    private void reference(String root, List<String> path, int line) {
        for (Set<String> names : bound) {
            if (names.contains(root)) {
                return;
            }
        }
        found.add(new Reference(root, path, line, guardedDepth > 0 || coveredByGuard(root, path)));
    }

    private boolean coveredByGuard(String root, List<String> path) {
        var full = new ArrayList<String>();
        full.add(root);
        full.addAll(path);
        for (List<String> guard : definedGuards) {
            if (full.size() >= guard.size() && full.subList(0, guard.size()).equals(guard)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The paths a condition proves defined when it holds ({@code positive}: {@code x is defined},
     * joined with {@code and}) or when it fails ({@code x is not defined}, joined with {@code or}).
     */
    private static List<List<String>> definedIn(Expression<?> condition, boolean positive) {
        var out = new ArrayList<List<String>>();
        if (positive && condition instanceof AndExpression and) {
            out.addAll(definedIn(and.getLeftExpression(), true));
            out.addAll(definedIn(and.getRightExpression(), true));
        } else if (!positive && condition instanceof OrExpression or) {
            out.addAll(definedIn(or.getLeftExpression(), false));
            out.addAll(definedIn(or.getRightExpression(), false));
        } else if (condition instanceof PositiveTestExpression test
                && (condition instanceof NegativeTestExpression) != positive
                && test.getRightExpression() instanceof TestInvocationExpression invocation
                && "defined".equals(invocation.getTestName())) {
            List<String> path = literalPath(test.getLeftExpression());
            if (path != null) {
                out.add(path);
            }
        }
        return out;
    }

    private static List<String> literalPath(Expression<?> e) {
        var path = new ArrayList<String>();
        Expression<?> current = e;
        while (current instanceof GetAttributeExpression attribute) {
            if (!(attribute.getAttributeNameExpression() instanceof LiteralStringExpression name)) {
                return null;
            }
            path.add(0, name.getValue());
            current = attribute.getNode();
        }
        if (current instanceof ContextVariableExpression variable) {
            path.add(0, variable.getName());
            return path;
        }
        return null;
    }

    private void guarded(boolean guard, Runnable walk) {
        if (guard) {
            guardedDepth++;
        }
        try {
            walk.run();
        } finally {
            if (guard) {
                guardedDepth--;
            }
        }
    }

    private void withGuards(List<List<String>> guards, Runnable walk) {
        guards.forEach(definedGuards::push);
        try {
            walk.run();
        } finally {
            guards.forEach(g -> definedGuards.pop());
        }
    }
}
