package dev.stroem.workflow;

import io.pebbletemplates.pebble.error.ParserException;
import io.pebbletemplates.pebble.lexer.Token;
import io.pebbletemplates.pebble.lexer.TokenStream;
import io.pebbletemplates.pebble.node.BodyNode;
import io.pebbletemplates.pebble.node.RenderableNode;
import io.pebbletemplates.pebble.node.expression.Expression;
import io.pebbletemplates.pebble.parser.Parser;
import io.pebbletemplates.pebble.tokenParser.TokenParser;

/**
 * Pebble's {@code for} tag as Tera writes it: {@code {% for x in list %}} and also
 * {@code {% for key, value in map %}}, with an optional {@code {% else %}} and {@code {% endfor %}}.
 * Replaces Pebble's own {@code for}; the loop renders as a {@link TeraForNode}.
 */
final class TeraForTokenParser implements TokenParser {

    @Override
    public String getTag() {
        return "for";
    }

    @Override
    public RenderableNode parse(Token token, Parser parser) {
        TokenStream stream = parser.getStream();
        int line = token.getLineNumber();
        stream.next(); // "for"
        String first = parser.getExpressionParser().parseNewVariableName();
        String second = null;
        if (stream.current().test(Token.Type.PUNCTUATION, ",")) {
            stream.next();
            second = parser.getExpressionParser().parseNewVariableName();
        }
        stream.expect(Token.Type.NAME, "in");
        Expression<?> iterable = parser.getExpressionParser().parseExpression();
        stream.expect(Token.Type.EXECUTE_END);
        BodyNode body = parser.subparse(t -> t.test(Token.Type.NAME, "else", "endfor"));
        BodyNode elseBody = null;
        if (stream.current().test(Token.Type.NAME, "else")) {
            stream.next();
            stream.expect(Token.Type.EXECUTE_END);
            elseBody = parser.subparse(t -> t.test(Token.Type.NAME, "endfor"));
        }
        if (stream.current().getValue() == null) {
            throw new ParserException(null, "the for loop of line " + line + " has no {% endfor %}",
                    stream.current().getLineNumber(), stream.getFilename());
        }
        stream.next(); // "endfor"
        stream.expect(Token.Type.EXECUTE_END);
        return second == null
                ? new TeraForNode(line, null, first, iterable, body, elseBody)
                : new TeraForNode(line, first, second, iterable, body, elseBody);
    }
}
