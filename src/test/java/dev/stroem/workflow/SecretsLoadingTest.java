package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A workspace's {@code secrets:}, resolved at load, and {@code secret.*} and {@code secret: true} inputs in templates. */
class SecretsLoadingTest {
    @TempDir
    Path dir;

    @Test
    void secretsResolveAtLoadFromTextTheEnvironmentAndValsPassThrough() {
        String home = System.getenv("HOME");
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                secrets:
                  STATIC: "s3cr3t-value"
                  FROM_ENV: "{{ get_env(name='HOME') }}"
                  WITH_DEFAULT: "{{ get_env(name='STROEM_SURELY_UNSET_VAR', default='fallback') }}"
                  NOT_A_REF: "{{ 'plain-text' | vals }}"
                tasks:
                  t:
                    input:
                      password: { type: string, secret: true }
                    flow:
                      s:
                        type: script
                        env: { TOKEN: "{{ secret.STATIC }}" }
                        script: echo "{{ secret.FROM_ENV }}"
                """);
        assertThat(ws.problems()).isEmpty();
        var workspace = ws.load();

        assertThat(workspace.secrets()).containsExactly(Map.entry("STATIC", "s3cr3t-value"), Map.entry("FROM_ENV", home),
                Map.entry("WITH_DEFAULT", "fallback"), Map.entry("NOT_A_REF", "plain-text"));
        assertThat(workspace.toString()).doesNotContain("s3cr3t-value");
        var task = workspace.task("t").orElseThrow();
        assertThat(task.input().get("password").secret()).isTrue();
        var rendered = new JobPlanner().renderStep(workspace, task, "s", Map.of("password", "x"), Map.of());
        assertThat(rendered.env()).containsEntry("TOKEN", "s3cr3t-value");
        assertThat(rendered.script()).isEqualTo("echo \"" + home + "\"");
    }

    @Test
    void aSecretThatCannotBeResolvedIsALoadErrorNamingItAndTheMissingTool() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                secrets:
                  DB: "{{ 'ref+awsssm:///prod/db/password' | vals }}"
                  GONE: "{{ get_env(name='STROEM_SURELY_UNSET_VAR') }}"
                  LIST: [1, 2]
                tasks:
                  t:
                    flow:
                      s: { type: script, script: echo }
                """).file("b.yaml", """
                secrets:
                  DB: other
                """);

        assertThat(ws.problems()).containsExactlyInAnyOrder(
                ".workflows/a.yaml: secret 'LIST' must be a text, e.g. \"{{ get_env(name='DB_PASSWORD') }}\"",
                ".workflows/a.yaml: Template secret 'DB': the 'vals' command is needed to resolve 'ref+awsssm://…' references,"
                        + " but it is not on the server's PATH (line 1)",
                ".workflows/a.yaml: Template secret 'GONE': environment variable STROEM_SURELY_UNSET_VAR is not set (line 1)",
                ".workflows/b.yaml: secret 'DB' is already defined in .workflows/a.yaml");
    }

    @Test
    void anEncryptedFileNeedsSopsAndItsConfigurationFileIsNoWorkflowFile() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                tasks:
                  t:
                    flow:
                      s: { type: script, script: echo }
                """).file("secrets.sops.yaml", "secrets:\n  A: ENC[AES256_GCM,data:xyz]\n").file(".sops.yaml", "creation_rules: []\n");

        // No sops on this machine's PATH (CI installs none): the file is a load error that names the tool.
        org.junit.jupiter.api.Assumptions.assumeTrue(!onPath("sops"));
        assertThat(ws.problems()).containsExactly(".workflows/secrets.sops.yaml: the 'sops' command is needed to decrypt"
                + " secrets.sops.yaml, but it is not on the server's PATH");
        assertThat(ws.load().task("t")).isPresent();
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(Path.of(d.isEmpty() ? "." : d).resolve(tool))) {
                return true;
            }
        }
        return false;
    }
}
