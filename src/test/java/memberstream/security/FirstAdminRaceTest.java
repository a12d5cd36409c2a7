package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import memberstream.ConsoleTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consoles starting together on one empty database: each runs its first-admin check in its own
 * transaction at the same moment, and exactly one admin results, with no console failing. The empty
 * users table is a copy in a schema of this test's own, put first on each transaction's search path,
 * so the shared test database keeps its admin.
 */
@ConsoleTest
class FirstAdminRaceTest {

    private static final String SCHEMA = "first_admin_race";
    private static final int CONSOLES = 4;

    @Autowired
    UserRepository users;

    @Autowired
    PasswordEncoder passwordEncoder;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Clock clock;

    @BeforeEach
    void emptyUsersTable() {
        jdbc.execute("drop schema if exists " + SCHEMA + " cascade");
        jdbc.execute("create schema " + SCHEMA);
        jdbc.execute("create table " + SCHEMA + ".users (like public.users including all)");
    }

    @AfterEach
    void dropIt() {
        jdbc.execute("drop schema if exists " + SCHEMA + " cascade");
    }

    @Test
    void consolesStartingTogetherCreateOneFirstAdmin() throws Exception {
        CountDownLatch ready = new CountDownLatch(CONSOLES);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService consoles = Executors.newFixedThreadPool(CONSOLES);
        List<Future<?>> starts = new ArrayList<>();
        for (int i = 0; i < CONSOLES; i++) {
            // Without a configured password each would generate its own: only one may be stored.
            var initializer = new FirstAdminInitializer(new AdminProperties("first-" + (i % 2), null), users,
                    passwordEncoder, transaction, jdbc, clock);
            starts.add(consoles.submit(() -> {
                ready.countDown();
                go.await();
                transaction.executeWithoutResult(status -> {
                    jdbc.execute("set local search_path = " + SCHEMA + ", public");
                    initializer.ensureAdmin();
                });
                return null;
            }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        for (Future<?> start : starts) {
            start.get(60, TimeUnit.SECONDS); // throws if a console failed to start
        }
        consoles.shutdown();

        List<String> admins = jdbc.queryForList("select username from " + SCHEMA + ".users where role = 'ADMIN'",
                String.class);
        assertThat(admins).hasSize(1);
        assertThat(jdbc.queryForObject("select count(*) from " + SCHEMA + ".users", Long.class)).isEqualTo(1);
    }
}
