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

    @Test
    void forLoopsAsTeraWritesThem() {
        var labels = new java.util.LinkedHashMap<String, Object>();
        labels.put("team", "ops");
        labels.put("tier", 1);
        Map<String, Object> context = Map.of("input", Map.of("labels", labels, "regions", List.of("eu", "us", "ap")));

        assertThat(engine.render("{% for k, v in input.labels %}{{ k }}={{ v }};{% endfor %}", context, "t"))
                .isEqualTo("team=ops;tier=1;");
        assertThat(engine.render("{% for r in input.regions %}{{ loop.index }}/{{ loop.index0 }}:{{ r }}"
                + "{% if loop.first %}(first){% endif %}{% if loop.last %}(last){% endif %} {% endfor %}", context, "t"))
                .isEqualTo("1/0:eu(first) 2/1:us 3/2:ap(last) ");
        assertThat(engine.render("{% for r in input.regions %}{% if r == 'us' %}{% continue %}{% endif %}"
                + "{% if r == 'ap' %}{% break %}{% endif %}{{ r }}{% endfor %}", context, "t"))
                .isEqualTo("eu");
        assertThat(engine.render("{% for r in input.none %}x{% else %}empty{% endfor %}",
                Map.of("input", Map.of("none", List.of())), "t")).isEqualTo("empty");
        assertThatThrownBy(() -> engine.render("{% for k, v in input.regions %}{% endfor %}", context, "step 's' script"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("'for k, v in …' needs a map");
    }

    @Test
    void teraFunctionsWithTeraArguments() {
        var clock = java.time.Clock.fixed(java.time.Instant.parse("2026-12-02T13:04:05.123456Z"),
                java.time.ZoneOffset.ofHours(1));
        var fixed = new TemplateEngine(clock);

        assertThat(fixed.render("{{ range(end=3) }} {{ range(start=2, end=8, step_by=3) }}", Map.of(), "t"))
                .isEqualTo("[0,1,2] [2,5]");
        assertThat(fixed.render("{% for i in range(end=3) %}{{ i }}{% endfor %}", Map.of(), "t")).isEqualTo("012");
        assertThat(fixed.render("{{ now() }}|{{ now(utc=true) }}|{{ now(timestamp=true) }}", Map.of(), "t"))
                .isEqualTo("2026-12-02T14:04:05.123456+01:00|2026-12-02T13:04:05.123456+00:00|1796216645");
        assertThat(fixed.render("{{ now() | date(format='%Y-%m-%d') }}", Map.of(), "t")).isEqualTo("2026-12-02");
        assertThat(fixed.render("{{ get_random(start=4, end=5) }}", Map.of(), "t")).isEqualTo("4");
        assertThatThrownBy(() -> fixed.render("{{ throw(message='no region given') }}", Map.of(), "step 's' script"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("no region given");
        assertThatThrownBy(() -> fixed.render("{{ range(start=5, end=1) }}", Map.of(), "step 's' script"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("range needs start <= end");
    }

    @Test
    void referencesListRootsPathsAndGuards() {
        var refs = engine.references("{{ input.body.ref }} {{ input.headers['x-event'] | default(value='') }}"
                + "{% for k, v in build.output %}{{ k }}{{ loop.index }}{% endfor %}{% set n = 1 %}{{ n }}"
                + "{% if input.tag is defined %}{{ input.tag.name }}{% endif %}{{ up(each.item) }}", "t");

        assertThat(refs).extracting(TemplateReferences.Reference::dotted, TemplateReferences.Reference::guarded)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("input.body.ref", false),
                        org.assertj.core.groups.Tuple.tuple("input.headers.x-event", true),
                        org.assertj.core.groups.Tuple.tuple("build.output", false),
                        org.assertj.core.groups.Tuple.tuple("input.tag", true),
                        org.assertj.core.groups.Tuple.tuple("input.tag.name", true),
                        org.assertj.core.groups.Tuple.tuple("each.item", false));
    }
}
