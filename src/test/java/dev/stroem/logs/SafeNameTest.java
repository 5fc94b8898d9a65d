package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"say-hello", "build_1", "_server", "default", "hello-world",
            "0b6c3f0e-1d2a-4c0e-9f55-1a2b3c4d5e6f", "v1.2", "Ünïcødé"})
    void acceptsOrdinaryNames(String name) {
        assertThat(SafeName.require("step", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", "a/b", "a\\b", "a\0b", "/etc/passwd", "\\share", "C:evil", "",
            "   ", "tab\there", "new\nline", "x/../../y", "."})
    void rejectsNamesThatCouldEscapeADirectory(String name) {
        assertThatThrownBy(() -> SafeName.require("job id", name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid job id ");
        assertThat(SafeName.isSafe(name)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void errorNamesTheKindTheValueAndTheRule() {
        assertThatThrownBy(() -> SafeName.require("workspace", "../x"))
                .hasMessage("invalid workspace \"../x\": must not contain '..'");
        assertThatThrownBy(() -> SafeName.require("task", "a/b"))
                .hasMessage("invalid task \"a/b\": must not contain '/'");
        assertThatThrownBy(() -> SafeName.require("job id", "/abs"))
                .hasMessage("invalid job id \"/abs\": must not be an absolute path");
        assertThatThrownBy(() -> SafeName.require("step", "a\0b"))
                .hasMessage("invalid step \"a\\u0000b\": must not contain NUL");
        assertThatThrownBy(() -> SafeName.require("step", null)).hasMessage("invalid step null: must not be empty");
    }
}
