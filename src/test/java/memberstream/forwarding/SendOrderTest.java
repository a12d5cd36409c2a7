package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import memberstream.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-member order gate alone, with the event log's "delivered" answer given by the test. */
class SendOrderTest {

    final Set<UUID> deliveredInLog = ConcurrentHashMap.newKeySet();
    final SendOrder order = new SendOrder(ids -> ids.stream().filter(deliveredInLog::contains)
            .collect(java.util.stream.Collectors.toSet()), Runnable::run, Duration.ofMillis(10), Duration.ofMillis(300));

    @AfterEach
    void close() {
        order.close();
    }

    @Test
    void noPredecessorOrOneSentHereGoesAtOnce() {
        assertThat(order.whenClear(null, "7")).isDone();
        UUID earlier = UUID.randomUUID();
        order.sent(earlier);
        assertThat(order.whenClear(earlier, "7")).as("queued behind it in this console's sink").isDone();
    }

    @Test
    void anotherConsolesPredecessorIsAwaitedUntilTheLogSaysDelivered() throws Exception {
        UUID earlier = UUID.randomUUID();
        var clear = order.whenClear(earlier, "7");
        Thread.sleep(50); // a few polls: still waiting
        assertThat(clear).isNotDone();
        assertThat(order.waiting()).isEqualTo(1);

        deliveredInLog.add(earlier);
        Eventually.within(Duration.ofSeconds(2), "released once delivered", clear::isDone);
        assertThat(clear).isCompleted();
        assertThat(order.waiting()).isZero();
    }

    @Test
    void aPredecessorThatStaysUndeliveredFailsTheWaitAfterMaxWait() {
        var clear = order.whenClear(UUID.randomUUID(), "7");
        assertThatThrownBy(() -> clear.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(
                SendOrder.PredecessorPendingException.class).hasMessageContaining("still undelivered");
    }
}
