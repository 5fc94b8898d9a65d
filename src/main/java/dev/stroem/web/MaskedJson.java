package dev.stroem.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.stroem.secrets.Masker;

/**
 * An API answer with every known secret masked in its texts (inputs, outputs, error messages, hook
 * context), as the original redacts job answers. Keys are left as they are.
 */
final class MaskedJson {
    private MaskedJson() {}

    /** {@code view} as JSON with {@code masker} applied to every text in it. */
    static Object of(ObjectMapper json, Object view, Masker masker) {
        if (masker.isEmpty()) {
            return view;
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
            String masked = masker.mask(node.asText());
            return masked.equals(node.asText()) ? node : TextNode.valueOf(masked);
        }
        return node;
    }
}
