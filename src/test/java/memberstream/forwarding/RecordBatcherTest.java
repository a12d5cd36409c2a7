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
        final Set<String> failOnce = new HashSet<>();
        final Set<String> failAlways = new HashSet<>();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile boolean down;
        int nextSequence = 1;

        @Override
        public synchronized List<RecordBatcher.Outcome> send(String destination, List<OutgoingRecord> records)
                throws Exception {
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
                    Duration.ofSeconds(60), 500, Duration.ofSeconds(60), Duration.ofSeconds(30)),
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
