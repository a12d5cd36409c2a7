package memberstream.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import memberstream.ConsoleTest;
import memberstream.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two consoles' signal listeners on one real PostgreSQL: what commits reaches both, what rolls back
 * reaches neither, and a listener whose connection is cut says so, comes back and asks to resync.
 */
@ConsoleTest
class ClusterSignalsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transaction;

    private final List<ClusterSignals> started = new CopyOnWriteArrayList<>();

    /** What one subscriber was told, in order. */
    private static final class Recorder implements ClusterSignals.Subscriber {
        final List<String> payloads = new CopyOnWriteArrayList<>();
        final AtomicInteger resyncs = new AtomicInteger();

        @Override
        public void signalled(String payload) {
            payloads.add(payload);
        }

        @Override
        public void resync() {
            resyncs.incrementAndGet();
        }
    }

    @AfterEach
    void stop() {
        started.forEach(ClusterSignals::stop);
    }

    @Test
    void aCommittedSignalReachesEveryConsoleAndARolledBackOneNone() {
        String channel = "test_signals_" + System.nanoTime();
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        ClusterSignals one = listening(channel, first);
        listening(channel, second);

        transaction.executeWithoutResult(status -> {
            one.signal(channel, "rolled back");
            status.setRollbackOnly();
        });
        transaction.executeWithoutResult(status -> {
            one.signal(channel, "v1");
            assertThat(first.payloads).as("not before commit").isEmpty();
        });
        one.signal(channel, "v2"); // outside a transaction: at once

        Eventually.within(WAIT, "both consoles got both signals",
                () -> first.payloads.size() == 2 && second.payloads.size() == 2);
        assertThat(first.payloads).containsExactly("v1", "v2");
        assertThat(second.payloads).containsExactly("v1", "v2");
        assertThat(first.resyncs.get()).isEqualTo(1);
    }

    @Test
    void aListenerCutOffSaysSoAndResyncsWhenBack() {
        String channel = "test_cut_" + System.nanoTime();
        Recorder recorder = new Recorder();
        ClusterSignals signals = listening(channel, recorder);

        int cut = jdbc.queryForObject("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                + "where query = 'LISTEN " + channel + "'", Integer.class);
        assertThat(cut).isEqualTo(1);

        Eventually.within(WAIT, "the cut is noticed", () -> !signals.listening() || recorder.resyncs.get() > 1);
        Eventually.within(WAIT, "listening again, told to resync",
                () -> signals.listening() && recorder.resyncs.get() == 2);
        signals.signal(channel, "after");
        Eventually.within(WAIT, "signals arrive again", () -> recorder.payloads.contains("after"));
    }

    @Test
    void channelNamesArePlainIdentifiers() {
        ClusterSignals signals = new ClusterSignals(dataSource, jdbc);
        assertThatThrownBy(() -> signals.subscribe("x; drop table users", new Recorder()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> signals.signal("Upper", "p")).isInstanceOf(IllegalArgumentException.class);
    }

    private ClusterSignals listening(String channel, Recorder recorder) {
        ClusterSignals signals = new ClusterSignals(dataSource, jdbc);
        signals.subscribe(channel, recorder);
        signals.start();
        started.add(signals);
        Eventually.within(WAIT, "listening", () -> signals.listening() && recorder.resyncs.get() == 1);
        return signals;
    }
}
