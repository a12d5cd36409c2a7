package memberstream.forwarding;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When a {@link RecordBatcher}'s next call goes out: the latest of the deadlines below (each may be zero, which
 * is off); so a record waits, beyond the call in flight, at most the longest of the three.
 * <ul>
 * <li>Batch window (adaptive, {@code batchWindow}): a record that finds the sender idle and its last call
 * started at least {@code batchWindow} ago goes out at once, so a lone event waits for nothing. A record that
 * comes sooner after a call's start waits until {@code batchWindow} after that start, gathering whatever comes
 * meanwhile, but only if records have lately been arriving faster than the rest of the window: the sender
 * keeps a moving average of the gaps between records' submissions (each gap counted as at most four windows,
 * so one idle spell is soon forgotten) and does not wait when that average is no shorter than the time left,
 * since nothing is then likely to join. So at a steady 100 events a second a 10 ms window adds nothing,
 * and when saves come fast calls come at most about once a window and carry what arrived in it. Records that
 * queued behind a call in flight longer than the window go out as soon as it ends. Measured from the call's
 * start, not its end, so slow calls (a loaded engine) add no wait on top of themselves.</li>
 * <li>Busy window ({@code busyWindow}, longer than the batch window): when records come so fast that at least
 * {@link #BUSY_RECORDS} of them are due before it ends, the wait after a call's start stretches to this window, so
 * under heavy load calls carry many more records each (each call costs the console far more than its records do,
 * about 0.3 ms of CPU hot and 1 ms cold). Waited for only if the moving average of the gaps says so when the
 * wait starts, like the batch window: at a steady 100 events a second (8 due in no less than 80 ms) a 50 ms busy
 * window adds nothing.</li>
 * <li>Linger ({@code linger}): after the first record of a batch arrives, the sender waits up to {@code linger}
 * (measured from that record's submission) for more, however idle it was; a record that already waited its
 * linger (it queued up behind a call in flight) goes out with the next call at once.</li>
 * </ul>
 *
 * <p>Times are {@link System#nanoTime()} values passed in, so the rules can be checked without waiting.
 * Thread-safety: the three settings are volatile (a benchmark may change them in a running console); the rest
 * is the sender thread's alone.
 */
final class CallTiming {

    /** The busy window is waited for only when at least this many records are due in what is left of it. */
    static final int BUSY_RECORDS = 8;

    private volatile long lingerNanos;
    private volatile long batchWindowNanos;
    private volatile long busyWindowNanos;
    /** When the last call started (each attempt counts). */
    private long lastCallStartedAt = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    /** Moving average of the gaps between the submissions of the records taken in (-1: none yet). */
    private long arrivalGapNanos = -1;
    /** Submission time of the last record taken in, once there was one. */
    private long lastArrivalAt;
    private boolean anyArrival;

    CallTiming(Duration linger, Duration batchWindow, Duration busyWindow) {
        set(linger, batchWindow, busyWindow);
    }

    /** Takes effect with the next wait. */
    void set(Duration linger, Duration batchWindow, Duration busyWindow) {
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
        if (batchWindow.isNegative()) {
            throw new IllegalArgumentException("batch window must not be negative: " + batchWindow);
        }
        if (busyWindow.isNegative()) {
            throw new IllegalArgumentException("busy window must not be negative: " + busyWindow);
        }
        this.lingerNanos = linger.toNanos();
        this.batchWindowNanos = batchWindow.toNanos();
        this.busyWindowNanos = busyWindow.toNanos();
    }

    /** No linger and no window: every call goes out as soon as the last one ended. */
    boolean off() {
        return lingerNanos == 0 && batchWindowNanos == 0 && busyWindowNanos == 0;
    }

    /** A call starts now. */
    void callStarted(long now) {
        lastCallStartedAt = now;
    }

    /** A record submitted at {@code submittedAt} was taken in: counted in the average gap between submissions. */
    void arrived(long submittedAt) {
        if (anyArrival) {
            // a gap of more than a few windows means "slow" however long it was: an idle spell fades fast
            long gap = Math.min(Math.max(0, submittedAt - lastArrivalAt),
                    4 * (batchWindowNanos > 0 ? batchWindowNanos : busyWindowNanos));
            arrivalGapNanos = arrivalGapNanos < 0 ? gap : arrivalGapNanos + (gap - arrivalGapNanos) / 8;
        }
        lastArrivalAt = submittedAt;
        anyArrival = true;
    }

    /**
     * How much longer a backlog whose oldest record was submitted at {@code oldestSubmittedAt} may wait at
     * {@code now}: until that record's linger is over, or until the batch window after the last call's start if
     * records lately came faster than the window has left to run, or until the busy window after it if at least
     * {@link #BUSY_RECORDS} records are due in what it has left. Zero or less: go now.
     */
    long waitNanos(long oldestSubmittedAt, long now) {
        long wait = lingerNanos == 0 ? 0 : oldestSubmittedAt + lingerNanos - now;
        if (arrivalGapNanos < 0) {
            return wait;
        }
        long windowLeft = lastCallStartedAt + batchWindowNanos - now;
        if (windowLeft > wait && arrivalGapNanos < windowLeft) {
            wait = windowLeft;
        }
        long busyLeft = lastCallStartedAt + busyWindowNanos - now;
        if (busyLeft > wait && arrivalGapNanos * BUSY_RECORDS < busyLeft) {
            wait = busyLeft;
        }
        return wait;
    }
}
