package memberstream.live.tail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Who needs the live feed now: a count of watchers (a browser showing the live tail, a benchmark, a
 * test), when the last one left, and a wait for the next one. The consumer reads the stream only while
 * this says someone watches, or did within a grace period, so that an unwatched console makes no calls.
 *
 * <p>Thread-safety: every method is synchronized on this object; any thread may join and leave (a view
 * on attach and detach), the consumer's runner thread asks and waits. {@link #awaitWatcher()} is woken
 * by the join that makes the count positive.
 */
final class Watchers {

    private final Clock clock;
    private int count;
    /** When the count last fell to zero; never watched counts as long ago, so a new console starts idle. */
    private Instant unwatchedSince = Instant.MIN;

    Watchers(Clock clock) {
        this.clock = clock;
    }

    /** One more watcher; run the returned action once to leave (running it again does nothing). */
    Runnable join() {
        synchronized (this) {
            if (count++ == 0) {
                notifyAll();
            }
        }
        boolean[] left = {false};
        return () -> {
            synchronized (this) {
                if (!left[0]) {
                    left[0] = true;
                    leave();
                }
            }
        };
    }

    private void leave() {
        if (--count == 0) {
            unwatchedSince = clock.instant();
        }
    }

    synchronized int count() {
        return count;
    }

    /** Nobody watches, and nobody has for at least {@code grace}. */
    synchronized boolean idle(Duration grace) {
        return count == 0 && (unwatchedSince.equals(Instant.MIN)
                || !clock.instant().isBefore(unwatchedSince.plus(grace)));
    }

    /** Blocks until someone watches (returns at once if someone does). */
    synchronized void awaitWatcher() throws InterruptedException {
        while (count == 0) {
            wait();
        }
    }
}
