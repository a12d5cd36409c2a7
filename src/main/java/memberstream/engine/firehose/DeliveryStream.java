package memberstream.engine.firehose;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One delivery stream at run time: its definition, its durable buffer, and the records accepted but not
 * yet in S3, grouped into pending objects. Without dynamic partitioning there is one open object; with
 * it, one per evaluated partition (as Firehose buffers each partition separately), plus one per error
 * output type for records whose partition keys could not be extracted.
 *
 * <p>An open object is due when its records reach the buffer size (counted before compression) or its
 * oldest record has waited the buffer interval. Due objects are taken by the delivery thread; one that
 * fails (for example, the bucket does not exist) waits for its retry time and keeps its records.
 * Everything before the first record still pending is in S3, which is the checkpoint written to the
 * buffer.
 *
 * <p>Thread-safety: all state is guarded by {@code this}; the durable append happens under it too, so
 * that log order and buffer order agree. Waiting for the fsync happens outside it.
 */
final class DeliveryStream {

    static final String PARTITIONING_FAILED = "partitioning-failed";

    /** The records of one future S3 object. */
    static final class PendingObject {
        final String errorOutputType;
        final Map<String, String> partitionKeys;
        final List<byte[]> payloads = new ArrayList<>();
        long bytes;
        long oldestArrivalMillis = Long.MAX_VALUE;
        long firstPosition = Long.MAX_VALUE;
        long retryAtMillis;
        int attempts;

        PendingObject(String errorOutputType, Map<String, String> partitionKeys) {
            this.errorOutputType = errorOutputType;
            this.partitionKeys = partitionKeys;
        }

        void add(long position, long arrivalMillis, byte[] payload) {
            payloads.add(payload);
            bytes += payload.length;
            oldestArrivalMillis = Math.min(oldestArrivalMillis, arrivalMillis);
            firstPosition = Math.min(firstPosition, position);
        }

        int recordCount() {
            return payloads.size();
        }
    }

    private DeliveryStreamCatalog.Definition definition;
    private DestinationSettings settings;
    private final DeliveryBuffer buffer;
    private final LinkedHashMap<String, PendingObject> open = new LinkedHashMap<>();
    private final List<PendingObject> full = new ArrayList<>();
    private final List<PendingObject> waitingForRetry = new ArrayList<>();
    private final Set<PendingObject> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());
    private String lastDeliveryError;

    DeliveryStream(DeliveryStreamCatalog.Definition definition, DestinationSettings settings, DeliveryBuffer buffer) {
        this.definition = definition;
        this.settings = settings;
        this.buffer = buffer;
    }

    synchronized DeliveryStreamCatalog.Definition definition() {
        return definition;
    }

    synchronized DestinationSettings settings() {
        return settings;
    }

    synchronized void redefine(DeliveryStreamCatalog.Definition newDefinition) {
        this.definition = newDefinition;
    }

    DeliveryBuffer buffer() {
        return buffer;
    }

    /**
     * Appends the records to the durable buffer and to the pending objects, all at one arrival time.
     * {@code decisions} are their partitioning decisions, made before by {@link #partition} (outside
     * this lock: a query must never hold up the stream), or null without dynamic partitioning; they are
     * stored with the records. Returns their log positions plus, as last element, the end to wait on
     * for durability.
     */
    synchronized long[] accept(List<byte[]> records, List<RecordProcessing.Extraction> decisions, long arrivalMillis) {
        long[] positions = buffer.append(records, decisions, arrivalMillis);
        for (int i = 0; i < records.size(); i++) {
            route(positions[i], arrivalMillis, records.get(i), decisions == null ? null : decisions.get(i));
        }
        return positions;
    }

    /**
     * The partitioning decisions for records about to be accepted, or null when the stream does not
     * partition. Runs the query (bounded by {@link QueryEvaluator}); call it without holding any lock.
     */
    List<RecordProcessing.Extraction> partition(List<byte[]> records) {
        DestinationSettings current = settings();
        RecordProcessing processing = current.processing();
        if (!processing.extractsMetadata()) {
            return null;
        }
        QueryEvaluator.Batch batch = new QueryEvaluator.Batch();
        List<RecordProcessing.Extraction> decisions = new ArrayList<>(records.size());
        for (byte[] data : records) {
            decisions.add(processing.extract(data, current.keys().prefix().partitionKeyNames(), batch));
        }
        return decisions;
    }

    /**
     * Buffers a record read back from the durable buffer at start-up. Its stored decision is used; a
     * record stored without one by an earlier version gets {@code legacyDecision} (see
     * {@link #partition}), so recovery never runs a query under this lock.
     */
    synchronized void recover(DeliveryBuffer.StoredRecord record, RecordProcessing.Extraction legacyDecision) {
        RecordProcessing.Extraction decision = record.decision() != null ? record.decision() : legacyDecision;
        route(record.position(), record.arrivalMillis(), record.data(), decision);
    }

    /**
     * Applies a new destination configuration. Objects already pending keep their records and grouping
     * and are written under the new settings (bucket, prefix, compression, version in the name).
     */
    synchronized void reconfigure(DeliveryStreamCatalog.Definition newDefinition, DestinationSettings newSettings) {
        this.definition = newDefinition;
        this.settings = newSettings;
    }

    private void route(long position, long arrivalMillis, byte[] data, RecordProcessing.Extraction decision) {
        RecordProcessing processing = settings.processing();
        if (processing.extractsMetadata()) {
            RecordProcessing.Extraction extraction = decision != null ? decision
                    : new RecordProcessing.Extraction(Map.of(), "The record was accepted without a partitioning decision");
            if (extraction.failed()) {
                add("!" + PARTITIONING_FAILED, PARTITIONING_FAILED, Map.of(), position, arrivalMillis,
                        errorRecord(data, arrivalMillis, extraction.error()));
                return;
            }
            Map<String, String> keys = extraction.keys();
            add(keys.toString(), null, keys, position, arrivalMillis, withDelimiter(data, processing));
            return;
        }
        add("", null, Map.of(), position, arrivalMillis, withDelimiter(data, processing));
    }

    /** Adds a record to its open object; an object that reaches the buffer size is closed and due at once. */
    private void add(String id, String errorOutputType, Map<String, String> keys, long position, long arrivalMillis,
                     byte[] payload) {
        PendingObject object = open.computeIfAbsent(id, ignored -> new PendingObject(errorOutputType, keys));
        object.add(position, arrivalMillis, payload);
        if (object.bytes >= settings.bufferSizeBytes()) {
            open.remove(id);
            full.add(object);
        }
    }

    private static byte[] withDelimiter(byte[] data, RecordProcessing processing) {
        if (!processing.appendDelimiter()) {
            return data;
        }
        byte[] withNewline = new byte[data.length + 1];
        System.arraycopy(data, 0, withNewline, 0, data.length);
        withNewline[data.length] = '\n';
        return withNewline;
    }

    /** The JSON line Firehose writes under the error prefix for a record it could not partition. */
    private static byte[] errorRecord(byte[] data, long arrivalMillis, String message) {
        String json = "{\"attemptsMade\":1,\"arrivalTimestamp\":" + arrivalMillis
                + ",\"errorCode\":\"DynamicPartitioning.MetadataExtractionFailed\",\"errorMessage\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"attemptEndingTimestamp\":" + arrivalMillis
                + ",\"rawData\":\"" + Base64.getEncoder().encodeToString(data) + "\"}\n";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** True when an open object is full or old enough; the put path uses it to wake the delivery thread. */
    synchronized boolean hasDue(long nowMillis) {
        if (!full.isEmpty()) {
            return true;
        }
        for (PendingObject object : open.values()) {
            if (isDue(object, nowMillis)) {
                return true;
            }
        }
        return false;
    }

    private boolean isDue(PendingObject object, long nowMillis) {
        return object.bytes >= settings.bufferSizeBytes()
                || nowMillis - object.oldestArrivalMillis >= settings.bufferIntervalSeconds() * 1000L;
    }

    /** Takes the objects to write now: due open ones, and failed ones whose retry time has come. */
    synchronized List<PendingObject> takeDue(long nowMillis, boolean everything) {
        List<PendingObject> due = new ArrayList<>(full);
        full.clear();
        for (Iterator<PendingObject> it = waitingForRetry.iterator(); it.hasNext(); ) {
            PendingObject object = it.next();
            if (everything || object.retryAtMillis <= nowMillis) {
                it.remove();
                due.add(object);
            }
        }
        for (Iterator<PendingObject> it = open.values().iterator(); it.hasNext(); ) {
            PendingObject object = it.next();
            if (everything || isDue(object, nowMillis)) {
                it.remove();
                due.add(object);
            }
        }
        inFlight.addAll(due);
        return due;
    }

    synchronized void delivered(PendingObject object) {
        inFlight.remove(object);
        lastDeliveryError = null;
    }

    synchronized void failed(PendingObject object, long retryAtMillis, String error) {
        inFlight.remove(object);
        object.attempts++;
        object.retryAtMillis = retryAtMillis;
        waitingForRetry.add(object);
        lastDeliveryError = error;
    }

    /** The log position before which every record is in S3. */
    synchronized long deliveredThrough() {
        long first = buffer.endPosition();
        for (PendingObject object : open.values()) {
            first = Math.min(first, object.firstPosition);
        }
        for (PendingObject object : full) {
            first = Math.min(first, object.firstPosition);
        }
        for (PendingObject object : waitingForRetry) {
            first = Math.min(first, object.firstPosition);
        }
        for (PendingObject object : inFlight) {
            first = Math.min(first, object.firstPosition);
        }
        return first;
    }

    synchronized String lastDeliveryError() {
        return lastDeliveryError;
    }

    /**
     * What the stream holds and has not written to S3, at {@code nowMillis}: every record accepted and
     * not yet in S3 (open buffers, full ones about to be written, ones waiting for a retry), and for the
     * open buffers (one per partition with dynamic partitioning) when the soonest interval flush is due.
     */
    synchronized BufferSnapshot snapshot(long nowMillis) {
        long records = 0;
        long bytes = 0;
        long oldest = Long.MAX_VALUE;
        long soonestIntervalFlush = Long.MAX_VALUE;
        long retrying = 0;
        for (PendingObject object : open.values()) {
            records += object.recordCount();
            bytes += object.bytes;
            oldest = Math.min(oldest, object.oldestArrivalMillis);
            soonestIntervalFlush = Math.min(soonestIntervalFlush,
                    object.oldestArrivalMillis + settings.bufferIntervalSeconds() * 1000L);
        }
        List<PendingObject> notOpen = new ArrayList<>(full);
        notOpen.addAll(waitingForRetry);
        notOpen.addAll(inFlight);
        for (PendingObject object : notOpen) {
            records += object.recordCount();
            bytes += object.bytes;
            oldest = Math.min(oldest, object.oldestArrivalMillis);
        }
        for (PendingObject object : waitingForRetry) {
            retrying += object.recordCount();
        }
        return new BufferSnapshot(records, bytes, open.size(), retrying,
                oldest == Long.MAX_VALUE ? null : oldest,
                soonestIntervalFlush == Long.MAX_VALUE ? null : Math.max(0, soonestIntervalFlush - nowMillis),
                settings.bufferIntervalSeconds(), settings.bufferSizeBytes());
    }

    /**
     * @param openBuffers buffers filling up (one per partition with dynamic partitioning)
     * @param retryingRecords records whose delivery failed, waiting for their retry
     * @param oldestArrivalMillis arrival of the oldest record held, null when nothing is held
     * @param millisUntilIntervalFlush until the soonest open buffer's interval has passed (0: due now),
     *                                 null without an open buffer
     */
    record BufferSnapshot(long records, long bytes, int openBuffers, long retryingRecords, Long oldestArrivalMillis,
                          Long millisUntilIntervalFlush, int intervalSeconds, long sizeBytes) {
    }

    /** Records accepted and not yet in S3. */
    synchronized int pendingRecords() {
        int count = 0;
        for (PendingObject object : open.values()) {
            count += object.recordCount();
        }
        for (PendingObject object : full) {
            count += object.recordCount();
        }
        for (PendingObject object : waitingForRetry) {
            count += object.recordCount();
        }
        for (PendingObject object : inFlight) {
            count += object.recordCount();
        }
        return count;
    }
}
