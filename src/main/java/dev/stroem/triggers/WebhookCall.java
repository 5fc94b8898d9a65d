package dev.stroem.triggers;

import java.util.Map;

/**
 * One HTTP call of a webhook, as the web layer read it: what becomes the job's input.
 *
 * @param method {@code GET} or {@code POST}
 * @param body the parsed JSON body, the raw text of another content type, or null (GET, no body)
 * @param headers request headers, keys lower-case (the secret-carrying {@code authorization} left out)
 * @param query query parameters, first value each ({@code secret} left out)
 */
public record WebhookCall(String method, Object body, Map<String, String> headers, Map<String, String> query) {}
