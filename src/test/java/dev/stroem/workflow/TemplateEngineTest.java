package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateEngineTest {

    private final TemplateEngine engine = new TemplateEngine();

    @Test
    void rendersScriptsVerbatimApartFromExpressions() {
        String script = "#!/bin/sh\r\n"
                + "set -e\n"
                + "\n"
                + "{% if input.verbose %}\n"
                + "echo verbose\n"
                + "{% endif %}\n"
                + "echo \"{{ input.name }}\"   \n"
                + "\t# tab and trailing spaces   \n"
                + "{# a comment #}\n"
                + "\n\n";

        String rendered = engine.render(script, Map.of("input", Map.of("verbose", true, "name", "x")), "test");

        assertThat(rendered).isEqualTo("#!/bin/sh\r\n"
                + "set -e\n"
                + "\n"
                + "\n"
                + "echo verbose\n"
                + "\n"
                + "echo \"x\"   \n"
                + "\t# tab and trailing spaces   \n"
                + "\n"
                + "\n\n");
    }

    @Test
    void doesNotEscapeHtmlCharacters() {
        String rendered = engine.render("echo {{ input.v }} <>&\"'", Map.of("input", Map.of("v", "<a href=\"x\">&'</a>")), "test");

        assertThat(rendered).isEqualTo("echo <a href=\"x\">&'</a> <>&\"'");
    }

    @Test
    void anUndefinedVariableIsAnErrorNamingTemplateAndVariable() {
        Map<String, Object> context = Map.of("input", Map.of("name", "x"));

        assertThatThrownBy(() -> engine.render("echo hi\necho {{ input.nmae }}", context, "step 'greet' script"))
                .isInstanceOf(TemplateException.class)
                .hasMessage("Template step 'greet' script: undefined variable 'input.nmae' (line 2)");
        assertThatThrownBy(() -> engine.render("{{ build.output.version }}", context, "step 'deploy' input 'v'"))
                .isInstanceOf(TemplateException.class)
                .hasMessage("Template step 'deploy' input 'v': undefined variable 'build' (line 1)");
    }

    @Test
    void theOriginalsDefaultFilterSpellingWorks() {
        Map<String, Object> context = Map.of("input", Map.of("set", "given"));

        assertThat(engine.render("{{ input.unset | default(value='fallback') }}", context, "t")).isEqualTo("fallback");
        assertThat(engine.render("{{ input.unset | default('fallback') }}", context, "t")).isEqualTo("fallback");
        assertThat(engine.render("{{ input.set | default(value='fallback') }}", context, "t")).isEqualTo("given");
    }

    @Test
    void mapsAndListsPrintAsJson() {
        Map<String, Object> context = Map.of("build", Map.of("output", Map.of("files", List.of("a", "b"))));

        assertThat(engine.render("{{ build.output }} {{ build.output.files }}", context, "t"))
                .isEqualTo("{\"files\":[\"a\",\"b\"]} [\"a\",\"b\"]");
    }

    @Test
    void aLoneReferenceToAStructureKeepsTheStructure() {
        Map<String, Object> context = Map.of("input", Map.of("db", Map.of("host", "h", "port", 5432), "n", 3));

        Object value = engine.renderValue(Map.of("db", "{{ input.db }}", "n", "{{ input.n }}", "keep", 7), context, "t");

        assertThat(value).isEqualTo(Map.of("db", Map.of("host", "h", "port", 5432), "n", "3", "keep", 7));
    }

    @Test
    void tagsThatReadOtherTemplatesAreRejected() {
        assertThatThrownBy(() -> engine.check("{% include '/etc/passwd' %}", "step 's' script"))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("Template step 's' script: syntax error:");
    }

    @Test
    void textWithoutTemplateSyntaxIsReturnedUntouched() {
        String plain = "echo '}}' \"{\" 100% #{not interpolation}";

        assertThat(engine.render(plain, Map.of(), "t")).isSameAs(plain);
    }
}
