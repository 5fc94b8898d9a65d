package dev.stroem.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MaskerTest {
    private static final String SECRET = "hunter2-Pa$$ w0rd/\"x\"";

    private final Masker masker = Masker.of(List.of(SECRET));

    @Test
    void aPlainSecretIsReplacedWherever_itAppearsInTheLine() {
        assertThat(masker.mask("token=" + SECRET + " and again " + SECRET + "."))
                .isEqualTo("token=" + Masker.MASK + " and again " + Masker.MASK + ".");
    }

    @Test
    void aLineWithoutSecretsIsReturnedUnchanged() {
        String line = "nothing to see here, hunter3";
        assertThat(masker.mask(line)).isSameAs(line);
        assertThat(Masker.NONE.mask(line)).isSameAs(line);
    }

    @Test
    void theJsonEscapedFormIsMasked() {
        String json = "{\"password\":\"hunter2-Pa$$ w0rd/\\\"x\\\"\"}";
        assertThat(masker.mask(json)).isEqualTo("{\"password\":\"" + Masker.MASK + "\"}");
    }

    @Test
    void theAsciiOnlyJsonFormOfANonAsciiSecretIsMasked() {
        Masker nonAscii = Masker.of(List.of("pässwörd"));
        assertThat(nonAscii.mask("{\"p\": \"p\\u00e4ssw\\u00f6rd\"}")).isEqualTo("{\"p\": \"" + Masker.MASK + "\"}");
    }

    @Test
    void bothUrlEncodingsAreMasked() {
        String form = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        assertThat(masker.mask("https://x/?p=" + form + "&q=1")).isEqualTo("https://x/?p=" + Masker.MASK + "&q=1");
        assertThat(masker.mask("/p/" + form.replace("+", "%20") + "/q")).isEqualTo("/p/" + Masker.MASK + "/q");
    }

    @Test
    void base64OfTheSecretAloneIsMaskedWithItsPadding() {
        String encoded = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(masker.mask("b64: " + encoded + " end")).isEqualTo("b64: " + Masker.MASK + " end");
    }

    @Test
    void base64OfTheSecretInsideLongerTextIsMaskedAtEveryAlignment() {
        for (String prefix : List.of("", "a", "ab", "abc", "user:")) {
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String encoded = encoder.encodeToString((prefix + SECRET + "@host").getBytes(StandardCharsets.UTF_8));
                String masked = masker.mask(encoded);
                assertThat(masked).as("prefix '%s'", prefix).contains(Masker.MASK);
                // What is left around the mask is at most the characters shared with the neighbours.
                assertThat(masked.length() - Masker.MASK.length())
                        .isLessThanOrEqualTo(encoded.length() - (SECRET.length() * 4 / 3 - 2));
            }
        }
    }

    @Test
    void eachLineOfAMultiLineSecretIsMaskedOnItsOwn() {
        Masker pem = Masker.of(List.of("-----BEGIN KEY-----\nMIIEabcdefgh\nqrstuvwxyz12\n-----END KEY-----"));
        assertThat(pem.mask("MIIEabcdefgh")).isEqualTo(Masker.MASK);
        assertThat(pem.mask("  qrstuvwxyz12")).isEqualTo("  " + Masker.MASK);
    }

    @Test
    void overlappingSecretsAreMaskedAsOneWithoutLeavingEitherVisible() {
        Masker two = Masker.of(List.of("abcdef", "defghi"));
        assertThat(two.mask("xxabcdefghiyy")).isEqualTo("xx" + Masker.MASK + "yy");
    }

    @Test
    void valuesTooShortToMaskAreIgnored() {
        Masker tiny = Masker.of(List.of("ab", "", "x"));
        assertThat(tiny.isEmpty()).isTrue();
        assertThat(tiny.mask("ab x")).isEqualTo("ab x");
    }

    @Test
    void fiftySecretsAreAllMaskedInOnePass() {
        List<String> secrets = IntStream.range(0, 50).mapToObj(i -> "secret-value-" + i + "-zz").toList();
        Masker many = Masker.of(secrets);
        var line = new StringBuilder();
        secrets.forEach(s -> line.append(s).append(' '));
        assertThat(many.mask(line.toString())).doesNotContain("secret-value").contains(Masker.MASK);
    }

    @Test
    void nestedInputAndOutputValuesAreMaskedAndKeysKept() {
        Map<String, Object> value = Map.of("db", Map.of("password", SECRET, "port", 5432), "list", List.of("x" + SECRET));
        assertThat(masker.maskMap(value)).isEqualTo(
                Map.of("db", Map.of("password", Masker.MASK, "port", 5432), "list", List.of("x" + Masker.MASK)));
    }

    @Test
    void plusCombinesTheSecretsOfBoth() {
        Masker both = Masker.of(List.of("first-secret")).plus(List.of("second-secret"));
        assertThat(both.mask("first-secret second-secret")).isEqualTo(Masker.MASK + " " + Masker.MASK);
        assertThat(both.toString()).doesNotContain("first-secret");
    }

    @Test
    void aJobsOwnSecretOverlappingAWorkspaceSecretIsMaskedWhole() {
        // A job's masker is its workspace's automaton plus one of its own inputs: matches of both merge.
        Masker workspace = Masker.of(List.of("SECRET"));
        Masker job = workspace.plus(List.of("abcSECRETdef", "defghi"));
        assertThat(job.mask("x abcSECRETdefghi y")).isEqualTo("x " + Masker.MASK + " y");
        assertThat(job.mask("only SECRET here")).isEqualTo("only " + Masker.MASK + " here");
        assertThat(workspace.plus(List.of("SECRET"))).isSameAs(workspace);
    }

    @Test
    void randomLinesAroundSecretsNeverKeepAFullSecret() {
        var random = new java.util.Random(42);
        var secrets = new ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            secrets.add(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        }
        Masker many = Masker.of(secrets);
        for (int i = 0; i < 2_000; i++) {
            String secret = secrets.get(random.nextInt(secrets.size()));
            String line = "p".repeat(random.nextInt(5)) + secret + "q".repeat(random.nextInt(5));
            assertThat(many.mask(line)).doesNotContain(secret);
        }
    }
}
