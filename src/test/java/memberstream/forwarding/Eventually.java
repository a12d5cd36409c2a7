package memberstream.forwarding;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Test helper: waits for something asynchronous (a delivery over HTTP) with a deadline. */
final class Eventually {

    private Eventually() {
    }

    static void within(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not true within " + timeout.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(25); // polling a network delivery; no clock can stand in for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + what, e);
            }
        }
    }
}
