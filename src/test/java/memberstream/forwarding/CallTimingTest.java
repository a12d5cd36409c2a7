package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The deadlines alone, on made-up clocks (milliseconds as nanoseconds), so nothing waits. */
class CallTimingTest {

    private static final long MS = 1_000_000;

    private static CallTiming timing(long lingerMs, long windowMs, long busyMs) {
        return new CallTiming(Duration.ofMillis(lingerMs), Duration.ofMillis(windowMs), Duration.ofMillis(busyMs));
    }

    /** A call started at 0 and records submitted every {@code gapMs} from 0 up to {@code untilMs}. */
    private static CallTiming afterArrivals(CallTiming timing, long gapMs, long untilMs) {
        timing.callStarted(0);
        for (long t = 0; t <= untilMs; t += gapMs) {
            timing.arrived(t * MS);
        }
        return timing;
    }

    @Test
    void nothingWaitsWhileTheRateIsUnknown() {
        CallTiming timing = timing(0, 10, 50);
        timing.callStarted(0);
        assertThat(timing.waitNanos(MS, MS)).isLessThanOrEqualTo(0);
        assertThat(timing(0, 0, 0).off()).isTrue();
        assertThat(timing.off()).isFalse();
    }

    @Test
    void aFastStreamWaitsForTheBusyWindowAfterTheCallsStart() {
        CallTiming timing = afterArrivals(timing(0, 10, 50), 1, 2); // 1,000 a second
        assertThat(timing.waitNanos(2 * MS, 2 * MS)).isEqualTo(48 * MS);
        // fewer than 8 due in what is left: back to the batch window, which is over, so go
        assertThat(timing.waitNanos(2 * MS, 45 * MS)).isLessThanOrEqualTo(0);
    }

    @Test
    void withoutABusyWindowAFastStreamWaitsForTheBatchWindowOnly() {
        CallTiming timing = afterArrivals(timing(0, 10, 0), 1, 2);
        assertThat(timing.waitNanos(2 * MS, 2 * MS)).isEqualTo(8 * MS);
    }

    @Test
    void aHundredASecondDoesNotWaitForEitherWindow() {
        CallTiming timing = afterArrivals(timing(0, 10, 50), 10, 100);
        timing.callStarted(100 * MS);
        // a record 1 ms after the call's start: the next one is due after the 10 ms window has run out, and 8 of
        // them take 80 ms, longer than the busy window
        assertThat(timing.waitNanos(101 * MS, 101 * MS)).isLessThanOrEqualTo(0);
    }

    @Test
    void twoHundredASecondWaitsForTheBusyWindow() {
        CallTiming timing = afterArrivals(timing(0, 10, 50), 5, 100);
        timing.callStarted(100 * MS);
        assertThat(timing.waitNanos(101 * MS, 101 * MS)).isEqualTo(49 * MS);
    }

    @Test
    void anIdleSpellCountsAsAtMostFourWindows() {
        CallTiming timing = afterArrivals(timing(0, 10, 50), 1, 20);
        timing.arrived(60_000 * MS); // a minute later
        timing.callStarted(60_000 * MS);
        // the average moved by an eighth of 40 ms (to about 6 ms), not of a minute: 8 are still due in 49 ms
        assertThat(timing.waitNanos(60_000 * MS, 60_001 * MS)).isEqualTo(49 * MS);
    }

    @Test
    void theLingerCountsFromTheOldestRecordsSubmission() {
        CallTiming timing = timing(5, 0, 0);
        assertThat(timing.waitNanos(10 * MS, 12 * MS)).isEqualTo(3 * MS);
        assertThat(timing.waitNanos(10 * MS, 16 * MS)).isLessThanOrEqualTo(0);
    }

    @Test
    void negativeSettingsAreRefused() {
        assertThatThrownBy(() -> timing(0, 0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("busy window");
    }
}
