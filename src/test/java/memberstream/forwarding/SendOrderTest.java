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
    void aPredecessorSentHereLaterReleasesItsWaiterWithoutAPoll() throws Exception {
        try (SendOrder slow = new SendOrder(ids -> Set.of(), Runnable::run, Duration.ofHours(1), Duration.ofHours(1))) {
            UUID earlier = UUID.randomUUID();
            var clear = slow.whenClear(earlier, "7");
            var other = slow.whenClear(UUID.randomUUID(), "8");
            assertThat(clear).isNotDone();

            slow.sent(earlier); // its claim was taken before it reached this console's sink
            assertThat(clear).as("released by the send, not by the hourly poll").isCompleted();
            assertThat(other).as("another member's predecessor").isNotDone();
            assertThat(slow.waiting()).isEqualTo(1);
        }
    }

    @Test
    void aPredecessorDeliveredHereReleasesItsWaitersBeforeAndAfterTheyAsk() {
        try (SendOrder slow = new SendOrder(ids -> Set.of(), Runnable::run, Duration.ofHours(1), Duration.ofHours(1))) {
            UUID earlier = UUID.randomUUID();
            slow.sent(earlier);
            var waiting = slow.whenClear(UUID.randomUUID(), "7");
            UUID failed = UUID.randomUUID();
            slow.sent(failed);
            slow.finished(failed, false);
            assertThat(slow.whenClear(failed, "8")).as("a failed predecessor is still awaited").isNotDone();

            slow.finished(earlier, true);
            assertThat(slow.whenClear(earlier, "7")).as("asked after the delivery: the log may not say so yet")
                    .isCompleted();
            assertThat(waiting).isNotDone();
        }
    }

    @Test
    void nobodyWaitingMeansNoPolling() throws Exception {
        var asked = new java.util.concurrent.atomic.AtomicInteger();
        try (SendOrder counted = new SendOrder(ids -> {
            asked.incrementAndGet();
            return ids.stream().filter(deliveredInLog::contains).collect(java.util.stream.Collectors.toSet());
        }, Runnable::run, Duration.ofMillis(5), Duration.ofSeconds(30))) {
            Thread.sleep(60);
            assertThat(asked).as("idle").hasValue(0);

            UUID earlier = UUID.randomUUID();
            var clear = counted.whenClear(earlier, "7");
            Eventually.within(Duration.ofSeconds(2), "polled while someone waits", () -> asked.get() >= 2);
            deliveredInLog.add(earlier);
            Eventually.within(Duration.ofSeconds(2), "released once delivered", clear::isDone);
            Thread.sleep(30); // a round already scheduled may still run once
            int afterwards = asked.get();
            Thread.sleep(60);
            assertThat(asked).as("idle again").hasValue(afterwards);
        }
    }

    @Test
    void aPredecessorThatStaysUndeliveredFailsTheWaitAfterMaxWait() {
        var clear = order.whenClear(UUID.randomUUID(), "7");
        assertThatThrownBy(() -> clear.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(
                SendOrder.PredecessorPendingException.class).hasMessageContaining("still undelivered");
    }
}
