package dev.stroem.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void sqlitePathBecomesJdbcUrl() {
        var url = DatabaseUrl.parse("sqlite:/var/lib/stroem/stroem.db");
        assertThat(url.kind()).isEqualTo(DatabaseUrl.Kind.SQLITE);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/stroem/stroem.db");
    }

    @Test
    void postgresUrlKeepsCredentialsOutOfTheJdbcUrl() {
        var url = DatabaseUrl.parse("postgres://stroem:p%40ss@db.internal:6543/jobs?sslmode=require");
        assertThat(url.kind()).isEqualTo(DatabaseUrl.Kind.POSTGRES);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/jobs?sslmode=require");
        assertThat(url.user()).isEqualTo("stroem");
        assertThat(url.password()).isEqualTo("p@ss");
    }

    @Test
    void postgresPortDefaultsTo5432() {
        assertThat(DatabaseUrl.parse("postgresql://u@localhost/x").jdbcUrl())
                .isEqualTo("jdbc:postgresql://localhost:5432/x");
    }

    @Test
    void otherSchemesAreRejectedWithASentence() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://localhost/x"))
                .hasMessage("db.url: \"mysql://localhost/x\" is neither sqlite:PATH nor postgres://user:pass@host:port/db");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://localhost:5432/"))
                .hasMessageContaining("needs a database name");
        assertThatThrownBy(() -> DatabaseUrl.parse("sqlite:"))
                .hasMessageContaining("needs a file path");
    }
}
