package memberstream.forwarding;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import memberstream.aws.AwsClients;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Sends events to a Kinesis data stream with PutRecords, up to 500 a call as they queue up. The
 * partition key is the member id, so one member's events land on one shard, in order
 * ({@link RecordBatcher} keeps at most one record per key in flight). Thread-safe.
 */
class KinesisSink implements EventSink, AutoCloseable {

    /** PutRecords carries at most 5 MiB, counting data and partition keys. */
    static final int MAX_REQUEST_BYTES = 5 * 1024 * 1024;

    private final RecordBatcher batcher;

    /**
     * @param linger      how long the first record of a call waits for more ({@link RecordBatcher})
     * @param batchWindow how long after a call's start a record that comes meanwhile waits ({@link RecordBatcher})
     * @param busyWindow  how long after a call's start records wait when many are due ({@link RecordBatcher})
     */
    KinesisSink(AwsClients clients, DeliveryRetryPolicy retryPolicy, Executor completions, int maxBatchRecords,
                Duration linger, Duration batchWindow, Duration busyWindow, Predicate<UUID> mayStillSend) {
        this.batcher = new RecordBatcher(SinkKind.KINESIS, new PutRecordsTransport(clients), retryPolicy,
                completions, maxBatchRecords, linger, batchWindow, busyWindow, mayStillSend);
    }

    @Override
    public SinkKind kind() {
        return SinkKind.KINESIS;
    }

    @Override
    public CompletableFuture<Delivery> send(OutgoingRecord record) {
        return batcher.submit(record);
    }

    int queued() {
        return batcher.queued();
    }

    /** For benchmarks: see {@link RecordBatcher#batching(Duration, Duration, Duration)}. */
    void batching(Duration linger, Duration batchWindow, Duration busyWindow) {
        batcher.batching(linger, batchWindow, busyWindow);
    }

    /** Calls made and records they carried, for benchmarks. */
    long[] callsAndRecords() {
        return batcher.callsAndRecords();
    }

    @Override
    public void close() {
        batcher.close();
    }

    private record PutRecordsTransport(AwsClients clients) implements RecordBatcher.Transport {

        @Override
        public List<RecordBatcher.Outcome> send(String stream, List<OutgoingRecord> records) {
            PutRecordsResponse response = clients.kinesis().putRecords(request -> request
                    .streamName(stream)
                    .records(records.stream()
                            .map(r -> PutRecordsRequestEntry.builder()
                                    .partitionKey(r.partitionKey())
                                    .data(SdkBytes.fromByteArrayUnsafe(r.data()))
                                    .build())
                            .toList()));
            return response.records().stream()
                    .map(entry -> entry.errorCode() == null
                            ? RecordBatcher.Outcome.stored(entry.shardId(), entry.sequenceNumber())
                            : RecordBatcher.Outcome.failed(entry.errorCode(), entry.errorMessage()))
                    .toList();
        }

        @Override
        public int maxRequestBytes() {
            return MAX_REQUEST_BYTES;
        }

        @Override
        public int countedBytes(OutgoingRecord record) {
            return record.data().length + record.partitionKey().getBytes(StandardCharsets.UTF_8).length;
        }
    }
}
