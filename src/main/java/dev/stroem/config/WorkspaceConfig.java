package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One entry of {@code workspaces:}; only {@code type: folder} is supported. */
public record WorkspaceConfig(@JsonProperty("type") String type, @JsonProperty("path") String path) {
    public static final String TYPE_FOLDER = "folder";
}
