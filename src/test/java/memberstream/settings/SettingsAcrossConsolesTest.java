package memberstream.settings;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import memberstream.ConsoleTest;
import memberstream.Eventually;
import memberstream.TestUsers;
import memberstream.base.ClusterSignals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A second console's settings cache on the same database (its own {@link SettingsService} and its
 * own {@link ClusterSignals} connection): it answers from memory while nothing signalled a change, and
 * takes a change made on this console as soon as the change's signal arrives.
 */
@ConsoleTest
class SettingsAcrossConsolesTest {

    @Autowired
    SettingsService settings;

    @Autowired
    SettingsRepository repository;

    @Autowired
    Validator validator;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    Clock clock;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    private ClusterSignals otherSignals;
    private SettingsService other;

    @BeforeEach
    void secondConsole() {
        otherSignals = new ClusterSignals(dataSource, jdbc);
        other = new SettingsService(repository, validator, events, clock, otherSignals);
        otherSignals.start();
        Eventually.within(Duration.ofSeconds(10), "the second console listens", otherSignals::listening);
    }

    @AfterEach
    void stop() {
        otherSignals.stop();
    }

    @Test
    void aChangeOnOneConsoleIsSeenByTheOtherOnceSignalled() throws Exception {
        Settings cached = other.current();

        // A write that sends no signal (no console would make it): the other console keeps its copy.
        jdbc.update("update settings set updated_by = 'behind-the-back', version = version + 1 where id = 1");
        Thread.sleep(1_500);
        assertThat(other.current()).as("served from memory").isEqualTo(cached);

        AtomicReference<Settings> updated = new AtomicReference<>();
        TestUsers.runAsAdmin(() -> updated.set(settings.update(new SettingsUpdate(cached.firehose(),
                cached.kinesisStreamName(), cached.firehoseDeliveryStreamName(), null))));
        Settings changed = updated.get();

        Eventually.within(Duration.ofSeconds(5), "the other console has the new version",
                () -> other.current().version() == changed.version());
        assertThat(other.current()).isEqualTo(changed);
        assertThat(changed.version()).isEqualTo(cached.version() + 2);
    }
}
