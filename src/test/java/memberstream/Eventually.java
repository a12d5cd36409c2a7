package memberstream;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits, with a deadline, for something another thread or process does: a delivery over HTTP, the
 * live consumer's read, a Firehose flush. No clock can stand in for those, so it polls.
 */
public final class Eventually {

    private static final long POLL_MILLIS = 25;

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails the test naming {@code what} after {@code timeout}. */
    public static void within(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not true within " + timeout.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + what, e);
            }
        }
    }
}
