package dev.stroem.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The workflow files of the API tests: a healthy workspace and one with a broken file. */
final class TestWorkflows {
    static final List<String> WORKSPACES = List.of("default", "broken");

    /** Six independent steps: the concurrency test's claims. */
    static final int FAN_OUT_STEPS = 6;

    private TestWorkflows() {}

    static void write(Path root) throws IOException {
        file(root.resolve("default"), "main.yaml", """
                actions:
                  greet:
                    type: script
                    script: |
                      echo "Hello {{ input.name }}"
                      echo 'OUTPUT: {"greeting": "Hello {{ input.name }}"}'
                    env:
                      WHO: "{{ input.name }}"
                    input:
                      name: { type: string, required: true }
                  shout:
                    type: script
                    script: echo "{{ input.message }}" | tr a-z A-Z
                    input:
                      message: { type: string }
                  noop:
                    type: script
                    script: echo noop
                tasks:
                  hello-world:
                    description: Greets, then shouts the greeting
                    input:
                      name: { type: string, default: World }
                    flow:
                      say-hello:
                        action: greet
                        input:
                          name: "{{ input.name }}"
                      shout-it:
                        action: shout
                        depends_on: [say-hello]
                        timeout: 90s
                        input:
                          message: "{{ say_hello.output.greeting }}"
                  needs-token:
                    input:
                      token: { type: string, required: true }
                      region: { type: string, default: eu-west-1 }
                    flow:
                      only:
                        action: noop
                  chain:
                    flow:
                      first:
                        action: noop
                      second:
                        action: noop
                        depends_on: [first]
                      third:
                        action: noop
                        depends_on: [second]
                      cleanup:
                        action: noop
                        depends_on: [second]
                        continue_on_failure: true
                """);
        StringBuilder fanOut = new StringBuilder("tasks:\n  fan-out:\n    flow:\n");
        for (int i = 1; i <= FAN_OUT_STEPS; i++) {
            fanOut.append("      s").append(i).append(":\n        type: script\n        script: echo ").append(i).append('\n');
        }
        file(root.resolve("default"), "fan-out.yaml", fanOut.toString());

        file(root.resolve("broken"), "good.yaml", """
                tasks:
                  still-works:
                    flow:
                      one:
                        type: script
                        script: echo fine
                """);
        file(root.resolve("broken"), "bad.yaml", """
                tasks:
                  half-written:
                    flow:
                      step-a:
                        action: does-not-exist
                  : : not yaml [
                """);
    }

    private static void file(Path workspace, String name, String yaml) throws IOException {
        Path dir = workspace.resolve(".workflows");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), yaml);
    }
}
