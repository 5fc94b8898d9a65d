package dev.stroem.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stroem.jobs.store.DatabaseUrl;
import dev.stroem.jobs.store.PostgresTestDatabase;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Leader election and wake-up hints between servers, on the machine's PostgreSQL. */
class PostgresClusterIT {
    private static PostgresTestDatabase database;
    private static DatabaseUrl url;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create();
        url = DatabaseUrl.parse(database.url());
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    /** Ends every session of {@code applicationName}, as a network cut or a DBA would. */
    private static void terminateSessions(String applicationName) throws Exception {
        var props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        try (var c = DriverManager.getConnection(url.jdbcUrl(), props);
                var st = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE application_name = ?")) {
            st.setString(1, applicationName);
            st.execute();
        }
    }

    @Test
    void oneServerLeads_afterItsSessionDropsThereIsStillExactlyOneLeader_andWhenItStopsTheOtherTakesOver()
            throws Exception {
        var a = new PostgresLeader(url, "a", Duration.ofMillis(200)).start();
        var b = new PostgresLeader(url, "b", Duration.ofMillis(200)).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> a.isLeader() ^ b.isLeader());
            String leaderName = a.isLeader() ? "a" : "b";

            // The leader's connection drops: it stops leading; whoever takes the lock next leads.
            terminateSessions("stroem-leader-" + leaderName);
            await().atMost(Duration.ofSeconds(30)).until(() -> a.isLeader() ^ b.isLeader());

            var leader = a.isLeader() ? a : b;
            var follower = a.isLeader() ? b : a;
            leader.close(); // the leader stops (or dies): its session ends and the lock with it
            await().atMost(Duration.ofSeconds(30)).until(follower::isLeader);
            assertThat(leader.isLeader()).isFalse();
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aHintReachesTheOtherServer_andAfterItsListenerIsKilledItCatchesUpAndHearsAgain() throws Exception {
        try (var a = new PostgresHints(url, "ha").start(); var b = new PostgresHints(url, "hb").start()) {
            List<String> heard = new CopyOnWriteArrayList<>();
            b.subscribe(ClusterHints.JOB_CANCELLED, p -> heard.add(String.valueOf(p)));
            await().atMost(Duration.ofSeconds(30)).until(b::listening);

            a.publish(ClusterHints.JOB_CANCELLED, "job-1");
            await().atMost(Duration.ofSeconds(30)).until(() -> heard.contains("job-1"));

            terminateSessions("stroem-hints-in-hb");
            await().atMost(Duration.ofSeconds(30)).until(() -> heard.contains("null"));
            await().atMost(Duration.ofSeconds(30)).until(b::listening);
            a.publish(ClusterHints.JOB_CANCELLED, "job-2");
            await().atMost(Duration.ofSeconds(30)).until(() -> heard.contains("job-2"));
        }
    }
}
