package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The original's (Tera) filters with Tera's argument names, and unknown filters refused before anything runs. */
class TeraFiltersTest {
    private final TemplateEngine engine = new TemplateEngine();
    private final Map<String, Object> context = Map.of("input", Map.of(
            "name", "World",
            "envs", List.of("dev", "prod", "dev"),
            "obj", Map.of("k", 1, "nested", Map.of("x", "y")),
            "n", 3.7,
            "s", "  Hi There  ",
            "people", List.of(Map.of("name", "b", "team", "x"), Map.of("name", "a", "team", "y"))));

    private String render(String template) {
        return engine.render(template, context, "test");
    }

    @Test
    void stringFilters() {
        assertThat(render("{{ input.name | upper }}/{{ input.name | lower }}/{{ 'hELLO' | capitalize }}"))
                .isEqualTo("WORLD/world/Hello");
        assertThat(render("{{ input.name | replace(from='W', to='w') }}")).isEqualTo("world");
        assertThat(render("[{{ input.s | trim }}][{{ input.s | trim_start }}][{{ input.s | trim_end }}]"))
                .isEqualTo("[Hi There][Hi There  ][  Hi There]");
        assertThat(render("{{ 'xxabxx' | trim_start_matches(pat='x') | trim_end_matches(pat='x') }}")).isEqualTo("ab");
        assertThat(render("{{ 'Hello World' | truncate(length=5) }}|{{ 'Hi' | truncate(length=5) }}|{{ 'abcdef' | truncate(length=3, end='') }}"))
                .isEqualTo("Hello…|Hi|abc");
        assertThat(render("{{ 'a b  c' | wordcount }}")).isEqualTo("3");
        assertThat(render("{{ 'Héllo, Wörld!' | slugify }}")).isEqualTo("hello-world");
        assertThat(render("{{ 'a,b' | split(pat=',') | json_encode }}")).isEqualTo("[\"a\",\"b\"]");
        assertThat(render("{{ '42' | int }} {{ 'x' | int(default=7) }} {{ 'ff' | int(base=16) }} {{ '2.5' | float }}"))
                .isEqualTo("42 7 255 2.5");
        assertThat(render("{{ 'a b/c' | urlencode }} {{ 'a b/c' | urlencode_strict }}")).isEqualTo("a%20b/c a%20b%2Fc");
        assertThat(render("{{ 'line1\nline2' | indent(prefix='  ') }}")).isEqualTo("line1\n  line2");
        assertThat(render("{{ \"it's\" | addslashes }}")).isEqualTo("it\\'s");
    }

    @Test
    void jsonEncodeAndCollections() {
        assertThat(render("{{ input.obj.nested | json_encode() }}")).isEqualTo("{\"x\":\"y\"}");
        assertThat(render("{{ input.name | json_encode }}")).isEqualTo("\"World\"");
        assertThat(render("{{ input.obj.nested | json_encode(pretty=true) }}")).contains("\n").contains("\"x\" : \"y\"");
        assertThat(render("{{ input.envs | join(sep=', ') }}")).isEqualTo("dev, prod, dev");
        assertThat(render("{{ input.envs | unique | join(sep=',') }}")).isEqualTo("dev,prod");
        assertThat(render("{{ input.envs | sort | join(sep=',') }}")).isEqualTo("dev,dev,prod");
        assertThat(render("{{ input.envs | first }}-{{ input.envs | last }}-{{ input.envs | nth(n=1) }}-{{ input.envs | length }}"))
                .isEqualTo("dev-dev-prod-3");
        assertThat(render("{{ input.envs | slice(start=1) | json_encode }}")).isEqualTo("[\"prod\",\"dev\"]");
        assertThat(render("{{ input.envs | slice(end=-1) | json_encode }}")).isEqualTo("[\"dev\",\"prod\"]");
        assertThat(render("{{ input.envs | concat(with='qa') | json_encode }}")).isEqualTo("[\"dev\",\"prod\",\"dev\",\"qa\"]");
        assertThat(render("{{ input.people | sort(attribute='name') | map(attribute='name') | join(sep='') }}")).isEqualTo("ab");
        assertThat(render("{{ input.people | filter(attribute='team', value='y') | map(attribute='name') | json_encode }}"))
                .isEqualTo("[\"a\"]");
        assertThat(render("{% set g = input.people | group_by(attribute='team') %}{{ g.x | map(attribute='name') "
                + "| join(sep='') }}{{ g.y | map(attribute='name') | join(sep='') }}")).isEqualTo("ba");
        assertThat(render("{{ input.obj | get(key='k') }} {{ input.obj | get(key='z', default='none') }}")).isEqualTo("1 none");
        assertThat(render("{{ input.envs | slice(start=5) | length }}")).isEqualTo("0");
    }

    @Test
    void numbersDatesAndDefaults() {
        assertThat(render("{{ input.n | round }} {{ input.n | round(method='floor') }} {{ 3.14159 | round(precision=2) }}"))
                .isEqualTo("4.0 3.0 3.14");
        assertThat(render("{{ 1 | pluralize }}|{{ 2 | pluralize }}|{{ 2 | pluralize(singular='y', plural='ies') }}"))
                .isEqualTo("|s|ies");
        assertThat(render("{{ 1536 | filesizeformat }}")).isEqualTo("1.50 KB");
        assertThat(render("{{ 0 | date(format='%Y-%m-%d %H:%M') }}")).isEqualTo("1970-01-01 00:00");
        assertThat(render("{{ '2025-02-12T10:56:45Z' | date(format='%d/%m/%Y %T') }}")).isEqualTo("12/02/2025 10:56:45");
        assertThat(render("{{ input.missing | default(value='x') }}{{ input.missing | default('y') }}")).isEqualTo("xy");
        assertThat(render("{% if input.missing is defined %}yes{% else %}no{% endif %}")).isEqualTo("no");
    }

    @Test
    void unknownFiltersAreRefusedWhenChecked() {
        assertThatThrownBy(() -> engine.check("echo {{ input.name | shout }}", "action 'a' script"))
                .isInstanceOf(TemplateException.class)
                .hasMessage("Template action 'a' script: unknown filter 'shout'");
        assertThatThrownBy(() -> engine.check("{% filter shout %}x{% endfilter %}", "w"))
                .hasMessageContaining("unknown filter 'shout'");
        // A '|' inside a string, or outside any tag, is no filter.
        engine.check("echo '{{ \"a | b\" }}' | grep x", "w");
        engine.check("{{ input.envs | join(sep='|') | upper }}", "w");
    }

    @Test
    void aFilterGivenTheWrongKindOfValueSaysSo() {
        assertThatThrownBy(() -> render("{{ input.name | join(sep=',') }}"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("filter 'join' needs an array");
    }
}
