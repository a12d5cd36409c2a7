package memberstream.forwarding;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import memberstream.aws.AwsClients;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Sends events to a Firehose delivery stream with PutRecordBatch, up to 500 a call as they queue up.
 * Each event ends with a newline, so the S3 objects Firehose writes are JSON Lines. Failed entries of a
 * partial failure are retried alone. Thread-safe.
 */
class FirehoseSink implements EventSink, AutoCloseable {

    /** PutRecordBatch carries at most 4 MiB. */
    static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    private final RecordBatcher batcher;

    /**
     * @param linger      how long the first record of a call waits for more ({@link RecordBatcher})
     * @param batchWindow how long after a call's start a record that comes meanwhile waits ({@link RecordBatcher})
     * @param busyWindow  how long after a call's start records wait when many are due ({@link RecordBatcher})
     */
    FirehoseSink(AwsClients clients, DeliveryRetryPolicy retryPolicy, Executor completions, int maxBatchRecords,
                 Duration linger, Duration batchWindow, Duration busyWindow, Predicate<UUID> mayStillSend) {
        this.batcher = new RecordBatcher(SinkKind.FIREHOSE, new PutRecordBatchTransport(clients), retryPolicy,
                completions, maxBatchRecords, linger, batchWindow, busyWindow, mayStillSend);
    }

    @Override
    public SinkKind kind() {
        return SinkKind.FIREHOSE;
    }

    /** Firehose keeps no order, so the partition key is dropped: it would only shrink batches. */
    @Override
    public CompletableFuture<Delivery> send(OutgoingRecord record) {
        return batcher.submit(new OutgoingRecord(record.eventId(), record.destination(), null, record.data()));
    }

    int queued() {
        return batcher.queued();
    }

    /** Calls made and records they carried, for benchmarks. */
    long[] callsAndRecords() {
        return batcher.callsAndRecords();
    }

    @Override
    public void close() {
        batcher.close();
    }

    static byte[] asLine(byte[] json) {
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    private record PutRecordBatchTransport(AwsClients clients) implements RecordBatcher.Transport {

        @Override
        public List<RecordBatcher.Outcome> send(String deliveryStream, List<OutgoingRecord> records) {
            PutRecordBatchResponse response = clients.firehose().putRecordBatch(request -> request
                    .deliveryStreamName(deliveryStream)
                    .records(records.stream()
                            .map(r -> Record.builder().data(SdkBytes.fromByteArrayUnsafe(asLine(r.data()))).build())
                            .toList()));
            return response.requestResponses().stream()
                    .map(entry -> entry.errorCode() == null
                            ? RecordBatcher.Outcome.stored(entry.recordId())
                            : RecordBatcher.Outcome.failed(entry.errorCode(), entry.errorMessage()))
                    .toList();
        }

        @Override
        public int maxRequestBytes() {
            return MAX_REQUEST_BYTES;
        }

        @Override
        public int countedBytes(OutgoingRecord record) {
            return record.data().length + 1;
        }
    }
}
