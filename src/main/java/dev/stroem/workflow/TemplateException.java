package dev.stroem.workflow;

/**
 * A template could not be parsed or rendered. The message is one sentence naming the template
 * (e.g. "step 'greet' script") and the cause, e.g. an undefined variable.
 */
public class TemplateException extends RuntimeException {
    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
