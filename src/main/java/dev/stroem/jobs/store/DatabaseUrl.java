package dev.stroem.jobs.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code db.url} as the config gives it, turned into what JDBC needs:
 * {@code sqlite:PATH} or {@code postgres://user:pass@host:port/db} (also {@code postgresql://}).
 */
public record DatabaseUrl(Kind kind, String jdbcUrl, String user, String password) {

    public enum Kind { SQLITE, POSTGRES }

    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("db.url: required (sqlite:PATH or postgres://user:pass@host:port/db)");
        }
        if (url.startsWith("sqlite:")) {
            String path = url.substring("sqlite:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
            if (path.isBlank()) {
                throw new IllegalArgumentException("db.url: sqlite: needs a file path, e.g. sqlite:stroem.db");
            }
            return new DatabaseUrl(Kind.SQLITE, "jdbc:sqlite:" + path, null, null);
        }
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            return parsePostgres(url);
        }
        throw new IllegalArgumentException("db.url: \"" + url
                + "\" is neither sqlite:PATH nor postgres://user:pass@host:port/db");
    }

    private static DatabaseUrl parsePostgres(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("db.url: not a valid URL (" + e.getMessage() + ")", e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("db.url: a PostgreSQL URL needs a host, e.g. postgres://user@localhost:5432/stroem");
        }
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (database.isEmpty()) {
            throw new IllegalArgumentException("db.url: a PostgreSQL URL needs a database name after the host");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl(Kind.POSTGRES,
                "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + database + query, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
