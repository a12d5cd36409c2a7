package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batcher alone, with a scripted transport in place of a sink (no network, no waiting backoff). */
class RecordBatcherTest {

    /** Records every call; answers by the script, stores everything else. */
    static final class ScriptedTransport implements RecordBatcher.Transport {
        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        /** {@link System#nanoTime()} when each call came in, before the gate. */
        final List<Long> callStarts = new CopyOnWriteArrayList<>();
        final Set<String> failOnce = new HashSet<>();
        final Set<String> failAlways = new HashSet<>();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile boolean down;
        int nextSequence = 1;

        @Override
        public synchronized List<RecordBatcher.Outcome> send(String destination, List<OutgoingRecord> records)
                throws Exception {
            callStarts.add(System.nanoTime());
            gate.await(5, TimeUnit.SECONDS);
            calls.add(records.stream().map(RecordBatcherTest::text).toList());
            if (down) {
                throw new java.net.ConnectException("Connection refused");
            }
            List<RecordBatcher.Outcome> outcomes = new ArrayList<>();
            for (OutgoingRecord r : records) {
                String text = text(r);
                if (failAlways.contains(text) || failOnce.remove(text)) {
                    outcomes.add(RecordBatcher.Outcome.failed("ProvisionedThroughputExceededException", "Rate exceeded"));
                } else {
                    outcomes.add(RecordBatcher.Outcome.stored("shardId-000000000000", String.valueOf(nextSequence++)));
                }
            }
            return outcomes;
        }

        @Override
        public int maxRequestBytes() {
            return 5 * 1024 * 1024;
        }

        @Override
        public int countedBytes(OutgoingRecord record) {
            return record.data().length + record.partitionKey().length();
        }
    }

    final ScriptedTransport transport = new ScriptedTransport();
    final DeliveryRetryPolicy policy = new DeliveryRetryPolicy(
            new ForwardingProperties(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(30),
                    Duration.ofSeconds(60), 500, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ZERO,
                    Duration.ZERO, Duration.ZERO),
            backOffMillis -> { });
    final RecordBatcher batcher = new RecordBatcher(SinkKind.KINESIS, transport, policy, Runnable::run, 500);

    @AfterEach
    void close() {
        batcher.close();
    }

    static OutgoingRecord record(String key, String text) {
        return new OutgoingRecord(UUID.randomUUID(), "members", key, text.getBytes(StandardCharsets.UTF_8));
    }

    static String text(OutgoingRecord r) {
        return new String(r.data(), StandardCharsets.UTF_8);
    }

    @Test
    void recordsThatQueueUpShareOneCallAndEachCallerGetsItsOwnAnswer() throws Exception {
        transport.gate = new CountDownLatch(1);
        var first = batcher.submit(record("k0", "e0"));
        List<CompletableFuture<Delivery>> rest = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            rest.add(batcher.submit(record("k" + i, "e" + i)));
        }
        transport.gate.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS).sequenceNumber()).isEqualTo("1");
        Set<String> sequenceNumbers = new HashSet<>();
        for (var f : rest) {
            Delivery d = f.get(5, TimeUnit.SECONDS);
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.shardId()).isEqualTo("shardId-000000000000");
            sequenceNumbers.add(d.sequenceNumber());
        }
        assertThat(sequenceNumbers).hasSize(200);
        assertThat(transport.calls.size()).isLessThanOrEqualTo(3);
        assertThat(transport.calls.stream().mapToInt(List::size).sum()).isEqualTo(201);
    }

    @Test
    void failedEntriesOfAPartialFailureAreRetriedAlone() throws Exception {
        transport.gate = new CountDownLatch(1);
        transport.failOnce.add("b");
        var a = batcher.submit(record("1", "a"));
        var b = batcher.submit(record("2", "b"));
        var c = batcher.submit(record("3", "c"));
        transport.gate.countDown();

        assertThat(b.get(5, TimeUnit.SECONDS).attempts()).isEqualTo(2);
        assertThat(a.get().attempts()).isEqualTo(1);
        assertThat(c.get().attempts()).isEqualTo(1);
        assertThat(transport.calls).contains(List.of("b"));
        assertThat(transport.calls.stream().flatMap(List::stream).filter("a"::equals)).hasSize(1);
    }

    @Test
    void recordsWithTheSameKeyAreStoredInSubmissionOrderEvenWhenTheFirstIsRetried() throws Exception {
        transport.gate = new CountDownLatch(1);
        transport.failOnce.add("created");
        var created = batcher.submit(record("42", "created"));
        var updated = batcher.submit(record("42", "updated"));
        var deleted = batcher.submit(record("42", "deleted"));
        transport.gate.countDown();

        long c = Long.parseLong(created.get(5, TimeUnit.SECONDS).sequenceNumber());
        long u = Long.parseLong(updated.get(5, TimeUnit.SECONDS).sequenceNumber());
        long d = Long.parseLong(deleted.get(5, TimeUnit.SECONDS).sequenceNumber());
        assertThat(c).isLessThan(u);
        assertThat(u).isLessThan(d);
        assertThat(transport.calls).allSatisfy(call -> assertThat(call).hasSizeLessThanOrEqualTo(1));
    }

    @Test
    void aRecordGivenUpBlocksItsKeyUntilItIsSubmittedAgain() throws Exception {
        transport.down = true;
        OutgoingRecord first = record("7", "first");
        var failed = batcher.submit(first);
        assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("Connection refused");
        assertThat(((DeliveryFailedException) catchCause(failed)).attempts()).isEqualTo(3);

        transport.down = false;
        var later = batcher.submit(record("7", "second"));
        assertThatThrownBy(() -> later.get(5, TimeUnit.SECONDS))
                .cause().hasMessageContaining("earlier event " + first.eventId());
        var otherKey = batcher.submit(record("8", "other"));
        assertThat(otherKey.get(5, TimeUnit.SECONDS).attempts()).isEqualTo(1);

        assertThat(batcher.submit(first).get(5, TimeUnit.SECONDS).attempts()).isEqualTo(1);
        assertThat(batcher.submit(record("7", "second again")).get(5, TimeUnit.SECONDS)).isNotNull();
    }

    private RecordBatcher lingering(Duration linger, int maxBatchRecords) {
        return new RecordBatcher(SinkKind.KINESIS, transport, policy, Runnable::run, maxBatchRecords, linger,
                Duration.ZERO, Duration.ZERO, eventId -> true);
    }

    private RecordBatcher windowed(Duration batchWindow, int maxBatchRecords) {
        return new RecordBatcher(SinkKind.KINESIS, transport, policy, Runnable::run, maxBatchRecords, Duration.ZERO,
                batchWindow, Duration.ZERO, eventId -> true);
    }

    private RecordBatcher busy(Duration batchWindow, Duration busyWindow) {
        return new RecordBatcher(SinkKind.KINESIS, transport, policy, Runnable::run, 500, Duration.ZERO, batchWindow,
                busyWindow, eventId -> true);
    }

    @Test
    void aFastStreamOfRecordsWaitsForTheBusyWindow() throws Exception {
        Duration busyWindow = Duration.ofSeconds(2);
        try (RecordBatcher batcher = busy(Duration.ofMillis(20), busyWindow)) {
            batcher.submit(record("k0", "r0")).get(10, TimeUnit.SECONDS); // nothing known of the rate: at once
            List<CompletableFuture<Delivery>> stream = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                stream.add(batcher.submit(record("k" + i, "r" + i)));
                Thread.sleep(2); // about 500 a second: 8 are due long before the busy window ends
            }
            for (var f : stream) {
                assertThat(f.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            }
            // the 20 ms batch window alone would have sent the stream in several calls
            assertThat(transport.calls).hasSize(2);
            assertThat(transport.calls.get(1)).hasSize(20);
            assertThat(Duration.ofNanos(transport.callStarts.get(1) - transport.callStarts.get(0)))
                    .isGreaterThanOrEqualTo(busyWindow.minusMillis(1));
        }
    }

    @Test
    void recordsAtAModerateRateDoNotWaitForTheBusyWindow() throws Exception {
        Duration busyWindow = Duration.ofSeconds(2);
        try (RecordBatcher batcher = busy(Duration.ZERO, busyWindow)) {
            for (int i = 0; i < 3; i++) {
                long submitted = System.nanoTime();
                assertThat(batcher.submit(record("k" + i, "r" + i)).get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
                // waiting for the busy window would take 1.6 s after the second and third submissions
                assertThat(Duration.ofNanos(System.nanoTime() - submitted)).isLessThan(Duration.ofSeconds(1));
                Thread.sleep(400); // 8 records at this rate take 3.2 s, longer than the busy window
            }
            assertThat(transport.calls).containsExactly(List.of("r0"), List.of("r1"), List.of("r2"));
        }
    }

    @Test
    void aLoneRecordGoesOutAtOnceWhateverTheBatchWindow() throws Exception {
        try (RecordBatcher windowed = windowed(Duration.ofSeconds(60), 500)) {
            long start = System.nanoTime();
            var lone = windowed.submit(record("k", "alone"));
            // a wait of the window would time out here: the sender had made no call, so nothing to gather behind
            assertThat(lone.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(transport.calls).containsExactly(List.of("alone"));
        }
    }

    @Test
    void aRecordAfterTheWindowHasPassedGoesOutAtOnce() throws Exception {
        Duration window = Duration.ofSeconds(1);
        try (RecordBatcher windowed = windowed(window, 500)) {
            windowed.submit(record("a", "first")).get(10, TimeUnit.SECONDS);
            Thread.sleep(window.toMillis() + 200); // idle for longer than the window since the call's start
            long start = System.nanoTime();
            var later = windowed.submit(record("b", "later"));
            assertThat(later.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            // a rule that lingered from the submission would take the whole window
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(window);
            assertThat(transport.calls).containsExactly(List.of("first"), List.of("later"));
        }
    }

    @Test
    void recordsComingSlowerThanTheRestOfTheWindowDoNotWaitForIt() throws Exception {
        Duration window = Duration.ofSeconds(2);
        try (RecordBatcher windowed = windowed(window, 500)) {
            windowed.submit(record("a", "first")).get(10, TimeUnit.SECONDS);
            Thread.sleep(1_200); // one record every 1.2 s: none is due in the 0.8 s the window has left
            long submitted = System.nanoTime();
            var second = windowed.submit(record("b", "second"));
            assertThat(second.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            // waiting out the window would start the call about 0.8 s after the submission
            assertThat(Duration.ofNanos(transport.callStarts.get(1) - submitted)).isLessThan(Duration.ofMillis(500));
            assertThat(transport.calls).containsExactly(List.of("first"), List.of("second"));
        }
    }

    @Test
    void recordsArrivingDuringACallOrWithinTheWindowShareTheNextCall() throws Exception {
        Duration window = Duration.ofSeconds(2);
        transport.gate = new CountDownLatch(1);
        try (RecordBatcher windowed = windowed(window, 500)) {
            var first = windowed.submit(record("a", "a"));
            while (transport.callStarts.isEmpty()) {
                Thread.sleep(5); // the first call is in flight, held at the gate
            }
            var during = List.of(windowed.submit(record("b", "b")), windowed.submit(record("c", "c")));
            transport.gate.countDown();
            first.get(10, TimeUnit.SECONDS);
            var after = windowed.submit(record("d", "d")); // the call ended, the window has not

            for (var f : during) {
                assertThat(f.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            }
            assertThat(after.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            assertThat(transport.calls).containsExactly(List.of("a"), List.of("b", "c", "d"));
            long gap = transport.callStarts.get(1) - transport.callStarts.get(0);
            assertThat(Duration.ofNanos(gap)).as("the second call waited for the window to end")
                    .isGreaterThanOrEqualTo(window.minusMillis(1));
        }
    }

    @Test
    void theWaitIsBoundedByTheWindowFromTheLastCallsStart() throws Exception {
        Duration window = Duration.ofMillis(500);
        try (RecordBatcher windowed = windowed(window, 500)) {
            windowed.submit(record("a", "first")).get(10, TimeUnit.SECONDS);
            var second = windowed.submit(record("b", "second"));
            assertThat(second.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            long finished = System.nanoTime();
            long firstStart = transport.callStarts.get(0);
            assertThat(Duration.ofNanos(transport.callStarts.get(1) - firstStart)).isGreaterThanOrEqualTo(
                    window.minusMillis(1));
            // the window plus generous room for a loaded machine: nobody else came, and it did not wait for them
            assertThat(Duration.ofNanos(finished - firstStart)).isLessThan(window.plusSeconds(3));
            assertThat(transport.calls).containsExactly(List.of("first"), List.of("second"));
        }
    }

    @Test
    void aFullCallGoesOutWithoutWaitingForTheWindow() throws Exception {
        try (RecordBatcher windowed = windowed(Duration.ofSeconds(60), 3)) {
            windowed.submit(record("a", "a")).get(10, TimeUnit.SECONDS);
            var futures = List.of(windowed.submit(record("b", "b")), windowed.submit(record("c", "c")),
                    windowed.submit(record("d", "d")));
            for (var f : futures) {
                assertThat(f.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            }
            assertThat(transport.calls).containsExactly(List.of("a"), List.of("b", "c", "d"));
            var fifth = windowed.submit(record("e", "e"));
            Thread.sleep(200);
            assertThat(fifth).as("within the window of the last call's start").isNotDone();
        }
    }

    @Test
    void recordsArrivingWithinTheLingerShareOneCall() throws Exception {
        try (RecordBatcher lingering = lingering(Duration.ofSeconds(3), 500)) {
            List<CompletableFuture<Delivery>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(lingering.submit(record("k" + i, "e" + i)));
                Thread.sleep(20); // one save after another, as concurrent requests commit
            }
            for (var f : futures) {
                assertThat(f.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            }
            assertThat(transport.calls).containsExactly(List.of("e0", "e1", "e2", "e3", "e4"));
        }
    }

    @Test
    void aLoneRecordGoesOutOnceItsLingerIsOver() throws Exception {
        Duration linger = Duration.ofMillis(300);
        try (RecordBatcher lingering = lingering(linger, 500)) {
            long start = System.nanoTime();
            var lone = lingering.submit(record("k", "alone"));
            assertThat(lone.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(linger);
            // the linger plus generous room for a loaded machine: the record does not wait for company
            assertThat(took).isLessThan(linger.plusSeconds(3));
            assertThat(transport.calls).containsExactly(List.of("alone"));
        }
    }

    @Test
    void aFullCallGoesOutWithoutWaitingForTheLinger() throws Exception {
        try (RecordBatcher lingering = lingering(Duration.ofSeconds(60), 3)) {
            var futures = List.of(lingering.submit(record("a", "a")), lingering.submit(record("b", "b")),
                    lingering.submit(record("c", "c")));
            for (var f : futures) {
                assertThat(f.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
            }
            assertThat(transport.calls).containsExactly(List.of("a", "b", "c"));
            var fourth = lingering.submit(record("d", "d"));
            Thread.sleep(200);
            assertThat(fourth).as("a lone record waits for its linger").isNotDone();
        }
    }

    @Test
    void lingeringKeepsOneRecordPerKeyInACallAndTheKeysOrder() throws Exception {
        try (RecordBatcher lingering = lingering(Duration.ofMillis(500), 500)) {
            var created = lingering.submit(record("42", "created"));
            var other = lingering.submit(record("7", "other"));
            var updated = lingering.submit(record("42", "updated"));
            var deleted = lingering.submit(record("42", "deleted"));

            long c = Long.parseLong(created.get(10, TimeUnit.SECONDS).sequenceNumber());
            long u = Long.parseLong(updated.get(10, TimeUnit.SECONDS).sequenceNumber());
            long d = Long.parseLong(deleted.get(10, TimeUnit.SECONDS).sequenceNumber());
            assertThat(other.get(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(c).isLessThan(u);
            assertThat(u).isLessThan(d);
            assertThat(transport.calls).containsExactly(List.of("created", "other"), List.of("updated"),
                    List.of("deleted"));
        }
    }

    @Test
    void closingWhileLingeringFailsTheWaitingRecordsForResubmission() {
        RecordBatcher lingering = lingering(Duration.ofSeconds(60), 500);
        var waiting = lingering.submit(record("k", "waiting"));
        lingering.close();
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining("shutting down");
        assertThat(transport.calls).isEmpty();
    }

    private static Throwable catchCause(CompletableFuture<?> future) {
        try {
            future.get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
