package dev.stroem.workflow;

import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.NodeVisitor;
import io.pebbletemplates.pebble.lexer.Token;
import io.pebbletemplates.pebble.node.AbstractRenderableNode;
import io.pebbletemplates.pebble.node.RenderableNode;
import io.pebbletemplates.pebble.parser.Parser;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;
import io.pebbletemplates.pebble.tokenParser.TokenParser;
import java.io.Writer;

/**
 * Tera's {@code {% break %}} and {@code {% continue %}}: the tag's node unwinds to the enclosing
 * {@link TeraForNode} with a {@link Jump}. Outside a loop the template fails with a message.
 */
final class TeraLoopJump extends AbstractRenderableNode {
    private final boolean leave;

    private TeraLoopJump(int line, boolean leave) {
        super(line);
        this.leave = leave;
    }

    /** The parser of {@code {% break %}} ({@code leave}) or {@code {% continue %}}. */
    static TokenParser tag(boolean leave) {
        return new TokenParser() {
            @Override
            public String getTag() {
                return leave ? "break" : "continue";
            }

            @Override
            public RenderableNode parse(Token token, Parser parser) {
                parser.getStream().next();
                parser.getStream().expect(Token.Type.EXECUTE_END);
                return new TeraLoopJump(token.getLineNumber(), leave);
            }
        };
    }

    @Override
    public void render(PebbleTemplateImpl self, Writer writer, EvaluationContextImpl context) {
        if (!context.getScopeChain().containsKey("loop")) {
            throw new PebbleException(null, "{% " + (leave ? "break" : "continue") + " %} outside a for loop",
                    getLineNumber(), self.getName());
        }
        throw new Jump(leave);
    }

    @Override
    public void accept(NodeVisitor visitor) {
        visitor.visit(this);
    }

    /** Control flow, not an error: no stack trace is taken. */
    static final class Jump extends RuntimeException {
        private final boolean leave;

        Jump(boolean leave) {
            super(null, null, false, false);
            this.leave = leave;
        }

        /** True for {@code break}, false for {@code continue}. */
        boolean leave() {
            return leave;
        }
    }
}
