package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;
import memberstream.ConsoleTest;
import memberstream.Eventually;
import memberstream.TestUsers;
import memberstream.base.ClusterSignals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A second console's account cache on the same database (its own {@link AccountStates} and its own
 * {@link ClusterSignals} connection), on a clock that never moves, so nothing it remembers expires
 * by time: a user disabled on this console is refused by the other as soon as the change's signal
 * arrives, not after a cache expiry.
 */
@ConsoleTest
class AccountsAcrossConsolesTest {

    @Autowired
    UserService users;

    @Autowired
    UserRepository repository;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    private ClusterSignals otherSignals;
    private AccountStates other;

    @BeforeEach
    void secondConsole() {
        otherSignals = new ClusterSignals(dataSource, jdbc);
        other = new AccountStates(repository, Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC),
                otherSignals);
        otherSignals.start();
        Eventually.within(Duration.ofSeconds(10), "the second console listens", otherSignals::listening);
    }

    @AfterEach
    void stop() {
        otherSignals.stop();
    }

    @Test
    void aUserDisabledOnOneConsoleIsRefusedByTheOtherOnceSignalled() throws Exception {
        String name = "across-" + UUID.randomUUID().toString().substring(0, 8);
        TestUsers.runAsAdmin(() -> users.add(new NewUser(name, TestUsers.PASSWORD, Role.VIEWER)));
        Thread.sleep(1_000); // the addition's own signal has reached the other console
        assertThat(other.current(name)).hasValueSatisfying(state -> assertThat(state.enabled()).isTrue());

        // A write that sends no signal (no console would make it): the other console keeps its copy.
        jdbc.update("update users set enabled = false where username = ?", name);
        Thread.sleep(1_500);
        assertThat(other.current(name)).as("served from memory")
                .hasValueSatisfying(state -> assertThat(state.enabled()).isTrue());
        jdbc.update("update users set enabled = true where username = ?", name);

        TestUsers.runAsAdmin(() -> users.setEnabled(name, false));
        Eventually.within(Duration.ofSeconds(5), "the other console sees the user disabled",
                () -> other.current(name).map(state -> !state.enabled()).orElse(false));
    }
}
