package dev.stroem.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.stroem.secrets.Masker;
import dev.stroem.secrets.SecretReferences;

/**
 * An API answer with every known secret masked in its texts (inputs, outputs, error messages, hook
 * context), and every unresolved {@code ref+…} reference, as the original redacts job answers.
 * Keys are left as they are.
 */
final class MaskedJson {
    private MaskedJson() {}

    /** {@code view} as JSON with {@code masker} applied to every text in it. */
    static Object of(ObjectMapper json, Object view, Masker masker) {
        if (view == null) {
            return null;
        }
        JsonNode tree = json.valueToTree(view);
        return mask(tree, masker);
    }

    private static JsonNode mask(JsonNode node, Masker masker) {
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(e -> e.setValue(mask(e.getValue(), masker)));
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, mask(array.get(i), masker));
            }
            return array;
        }
        if (node.isTextual()) {
            String masked = text(node.asText(), masker);
            return masked.equals(node.asText()) ? node : TextNode.valueOf(masked);
        }
        return node;
    }

    /** One text of an answer: known secrets, then unresolved references, masked. */
    static String text(String text, Masker masker) {
        return SecretReferences.redact(masker.mask(text));
    }
}
