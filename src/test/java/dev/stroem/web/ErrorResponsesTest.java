package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What a client sees of our own failures (500) and of names in download headers. */
class ErrorResponsesTest {

    @Test
    void defect10_a500NamesAnErrorIdAndNothingOfTheFailure_theLogHasTheDetailUnderThatId() throws Exception {
        var logged = new ListAppender<ILoggingEvent>();
        logged.start();
        ((Logger) LoggerFactory.getLogger(ErrorResponses.class)).addAppender(logged);
        var app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            ErrorResponses.register(config.routes, 1024);
            config.routes.get("/boom", ctx -> {
                throw new IllegalStateException("SQL [SELECT secret FROM jobs] failed reading /var/lib/stroem/logs/x.jsonl");
            });
        }).start();
        try {
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/boom")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(500);
            var body = new ObjectMapper().readTree(response.body());
            assertThat(body.path("error").asText()).isEqualTo("internal error");
            String id = body.path("id").asText();
            assertThat(id).isNotBlank();
            assertThat(body.size()).isEqualTo(2);
            assertThat(response.body()).doesNotContain("SELECT", "/var/lib", "IllegalStateException");
            assertThat(logged.list).anySatisfy(e -> {
                assertThat(e.getFormattedMessage()).contains(id, "/boom");
                assertThat(e.getThrowableProxy().getMessage()).contains("SELECT secret");
            });
        } finally {
            app.stop();
            ((Logger) LoggerFactory.getLogger(ErrorResponses.class)).detachAppender(logged);
        }
    }

    @Test
    void defect10_theDownloadFileNameOfAStepIsEscaped() {
        assertThat(LogsApi.contentDisposition("job-1-say \"hi\"\\\r\nü.jsonl")).isEqualTo(
                "attachment; filename=\"job-1-say _hi_____.jsonl\"; filename*=UTF-8''job-1-say%20%22hi%22%5C%0D%0A%C3%BC.jsonl");
    }
}
