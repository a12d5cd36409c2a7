package memberstream.engine.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import memberstream.engine.protocol.AwsServiceException;
import memberstream.engine.s3.S3ObjectStore;
import memberstream.engine.storage.FsyncPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Firehose inside the engine: delivery streams, their durable buffers, and delivery to the engine's S3.
 *
 * <p>Files, under the directory given ({@code <data-dir>/engine/firehose}): {@code streams/} (see
 * {@link DeliveryStreamCatalog}) and {@code buffer/<stream>/} (see {@link DeliveryBuffer}).
 *
 * <p>Time comes from the injected clock: arrival times, buffer intervals, retry times and the
 * timestamps in object keys. {@link #flushDue()} writes every object that is due and is what the
 * delivery thread calls (every {@code checkInterval}, and at once when a put fills a buffer); tests call
 * it directly after moving their clock.
 *
 * <p>Thread-safety: every public method may be called from any thread. Operations on one stream are
 * serialised by the stream; creating and deleting streams by {@code this}; deliveries by one lock, so
 * objects are written by one thread at a time.
 */
public final class FirehoseService implements AutoCloseable {

    static final String ACCOUNT_ID = "000000000000";
    static final String DESTINATION_ID = "destinationId-000000000001";
    static final int MAX_TAGS = 50;
    /** Each stream holds a log with its own write buffer, so their number is bounded (AWS's quota is per region). */
    static final int MAX_DELIVERY_STREAMS = 500;
    static final int MAX_SOURCE_RECORDS_PER_POLL = 10_000;
    private static final Logger log = LoggerFactory.getLogger(FirehoseService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path bufferDirectory;
    private final DeliveryStreamCatalog catalog;
    private final Clock clock;
    private final FsyncPolicy fsync;
    private final S3Delivery delivery;
    private final KinesisSourcePolling kinesisSources;
    private final ConcurrentSkipListMap<String, DeliveryStream> streams = new ConcurrentSkipListMap<>();
    private final ReentrantLock deliveryLock = new ReentrantLock();
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile Thread deliveryThread;
    private volatile boolean closed;

    public FirehoseService(Path directory, S3ObjectStore s3, Clock clock, FsyncPolicy fsync, Duration retryInterval,
                           KinesisSourceReader kinesis) {
        this.bufferDirectory = directory.resolve("buffer");
        this.catalog = new DeliveryStreamCatalog(directory.resolve("streams"));
        this.clock = clock;
        this.fsync = fsync;
        this.delivery = new S3Delivery(s3, retryInterval);
        this.kinesisSources = kinesis == null ? null : new KinesisSourcePolling(kinesis, catalog, clock);
        for (DeliveryStreamCatalog.Definition definition : catalog.loadAll()) {
            DestinationSettings settings = DestinationSettings.from(definition.destination());
            List<DeliveryBuffer.StoredRecord> undelivered = new ArrayList<>();
            DeliveryBuffer buffer = DeliveryBuffer.open(bufferDirectory(definition.name()), fsync, undelivered);
            DeliveryStream stream = new DeliveryStream(definition, settings, buffer);
            recover(stream, undelivered);
            streams.put(definition.name(), stream);
            if (!undelivered.isEmpty()) {
                log.info("Delivery stream {}: {} records not yet in S3 buffered again after restart",
                        definition.name(), undelivered.size());
            }
        }
    }

    /**
     * Buffers again what was not yet in S3. Records carry their partitioning decision; only those stored
     * by an earlier version without one are partitioned here, once, at a bounded cost (one batch for
     * all of them, so a query that keeps timing out cannot slow start-up by more than a few limits).
     */
    private static void recover(DeliveryStream stream, List<DeliveryBuffer.StoredRecord> undelivered) {
        List<byte[]> legacy = new ArrayList<>();
        for (DeliveryBuffer.StoredRecord record : undelivered) {
            if (record.decision() == null) {
                legacy.add(record.data());
            }
        }
        List<RecordProcessing.Extraction> legacyDecisions = legacy.isEmpty() ? null : stream.partition(legacy);
        int next = 0;
        for (DeliveryBuffer.StoredRecord record : undelivered) {
            RecordProcessing.Extraction decision = null;
            if (record.decision() == null && legacyDecisions != null) {
                decision = legacyDecisions.get(next++);
            }
            stream.recover(record, decision);
        }
    }

    private Path bufferDirectory(String name) {
        // Stream names may be "." or ".."; the prefix keeps every name a plain directory.
        return bufferDirectory.resolve("stream-" + name);
    }

    /** Starts the delivery thread, which checks for due objects every {@code checkInterval}. */
    public FirehoseService start(Duration checkInterval) {
        Thread thread = new Thread(() -> {
            while (!closed) {
                try {
                    wakeUp.tryAcquire(checkInterval.toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                    if (!closed) {
                        flushDue();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.error("Firehose delivery failed; retrying", e);
                }
            }
        }, "firehose-delivery");
        thread.setDaemon(true);
        deliveryThread = thread;
        thread.start();
        return this;
    }

    // ---- operations

    AwsServiceException notFound(String name) {
        return FirehoseError.RESOURCE_NOT_FOUND.exception("Firehose " + name + " under account " + ACCOUNT_ID + " not found.");
    }

    private DeliveryStream stream(String name) {
        DeliveryStream stream = streams.get(name);
        if (stream == null) {
            throw notFound(name);
        }
        return stream;
    }

    /** CreateDeliveryStream; returns the ARN. */
    synchronized String create(String name, String type, JsonNode source, JsonNode destination, boolean extended,
                               Map<String, String> tags, String region) {
        if (streams.containsKey(name)) {
            throw FirehoseError.RESOURCE_IN_USE.exception("Firehose " + name + " under accountId " + ACCOUNT_ID
                    + " already exists");
        }
        if (tags.size() > MAX_TAGS) {
            throw FirehoseError.LIMIT_EXCEEDED.exception("A delivery stream can have at most " + MAX_TAGS + " tags.");
        }
        if (streams.size() >= MAX_DELIVERY_STREAMS) {
            throw FirehoseError.LIMIT_EXCEEDED.exception("You have already consumed your firehose quota of "
                    + MAX_DELIVERY_STREAMS + " hoses.");
        }
        ObjectNode sourceConfig = null;
        if ("KinesisStreamAsSource".equals(type)) {
            if (source == null || source.isNull()) {
                throw FirehoseError.INVALID_ARGUMENT.exception("KinesisStreamSourceConfiguration is required when "
                        + "DeliveryStreamType is KinesisStreamAsSource.");
            }
            String streamArn = source.path("KinesisStreamARN").asText();
            if (kinesisSources == null || !kinesisSources.exists(streamArn)) {
                throw FirehoseError.INVALID_ARGUMENT.exception("The Kinesis stream " + streamArn + " does not exist.");
            }
            sourceConfig = source.deepCopy();
        } else if (source != null && !source.isNull()) {
            throw FirehoseError.INVALID_ARGUMENT.exception("KinesisStreamSourceConfiguration is only allowed when "
                    + "DeliveryStreamType is KinesisStreamAsSource.");
        } else if (!"DirectPut".equals(type)) {
            throw FirehoseError.INVALID_ARGUMENT.exception("DeliveryStreamType " + type + " is not supported by the "
                    + "local engine; use DirectPut or KinesisStreamAsSource.");
        }
        DestinationSettings settings = DestinationSettings.from(destination);
        long now = clock.millis();
        String arn = "arn:aws:firehose:" + region + ":" + ACCOUNT_ID + ":deliverystream/" + name;
        DeliveryStreamCatalog.Definition definition = new DeliveryStreamCatalog.Definition(name, arn, type, 1, now, now,
                UUID.randomUUID().toString(), extended, sourceConfig, settings.config(), tags, false);
        DeliveryBuffer buffer = DeliveryBuffer.open(bufferDirectory(name), fsync, new ArrayList<>());
        catalog.save(definition);
        streams.put(name, new DeliveryStream(definition, settings, buffer));
        return arn;
    }

    synchronized void delete(String name) {
        DeliveryStream stream = stream(name);
        deliveryLock.lock();
        try {
            streams.remove(name);
            catalog.delete(name);
            stream.buffer().destroy();
        } finally {
            deliveryLock.unlock();
        }
    }

    /** The DeliveryStreamDescription of DescribeDeliveryStream. */
    Map<String, Object> describe(String name) {
        DeliveryStream stream = stream(name);
        DeliveryStreamCatalog.Definition definition = stream.definition();
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("DeliveryStreamName", definition.name());
        description.put("DeliveryStreamARN", definition.arn());
        description.put("DeliveryStreamStatus", "ACTIVE");
        description.put("DeliveryStreamEncryptionConfiguration", definition.encrypted()
                ? Map.of("KeyType", "AWS_OWNED_CMK", "Status", "ENABLED") : Map.of("Status", "DISABLED"));
        description.put("DeliveryStreamType", definition.type());
        description.put("VersionId", Long.toString(definition.version()));
        description.put("CreateTimestamp", Instant.ofEpochMilli(definition.createdMillis()));
        if (definition.version() > 1) {
            description.put("LastUpdateTimestamp", Instant.ofEpochMilli(definition.updatedMillis()));
        }
        if (definition.kinesisSource()) {
            Map<String, Object> kinesisSource = new LinkedHashMap<>();
            kinesisSource.put("KinesisStreamARN", definition.source().path("KinesisStreamARN").asText());
            kinesisSource.put("RoleARN", definition.source().path("RoleARN").asText());
            kinesisSource.put("DeliveryStartTimestamp", Instant.ofEpochMilli(definition.createdMillis()));
            description.put("Source", Map.of("KinesisStreamSourceDescription", kinesisSource));
        }
        Map<String, Object> extended = toMap(definition.destination());
        Map<String, Object> basic = new LinkedHashMap<>();
        for (String field : List.of("RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix", "BufferingHints",
                "CompressionFormat", "EncryptionConfiguration", "CloudWatchLoggingOptions")) {
            if (extended.containsKey(field)) {
                basic.put(field, extended.get(field));
            }
        }
        Map<String, Object> destination = new LinkedHashMap<>();
        destination.put("DestinationId", DESTINATION_ID);
        destination.put("S3DestinationDescription", basic);
        extended.putIfAbsent("S3BackupMode", "Disabled");
        destination.put("ExtendedS3DestinationDescription", extended);
        description.put("Destinations", List.of(destination));
        description.put("HasMoreDestinations", false);
        return description;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(ObjectNode node) {
        return JSON.convertValue(node, LinkedHashMap.class);
    }

    /** Names in order, after {@code exclusiveStart}, of the given type (null: all). */
    List<String> names(String type, String exclusiveStart) {
        List<String> names = new ArrayList<>();
        Map<String, DeliveryStream> from = exclusiveStart == null ? streams : streams.tailMap(exclusiveStart, false);
        for (DeliveryStream stream : from.values()) {
            if (type == null || type.equals(stream.definition().type())) {
                names.add(stream.definition().name());
            }
        }
        return names;
    }

    /** UpdateDestination: merges the update into the destination; the version goes up by one. */
    void updateDestination(String name, String currentVersionId, String destinationId, JsonNode update) {
        DeliveryStream stream = stream(name);
        synchronized (stream) {
            DeliveryStreamCatalog.Definition definition = stream.definition();
            if (!Long.toString(definition.version()).equals(currentVersionId)) {
                throw FirehoseError.CONCURRENT_MODIFICATION.exception("Cannot update firehose: " + name
                        + " since the current version id: " + definition.version() + " and request version id: "
                        + currentVersionId + " does not match");
            }
            if (!DESTINATION_ID.equals(destinationId)) {
                throw FirehoseError.INVALID_ARGUMENT.exception("Destination Id " + destinationId + " not found.");
            }
            ObjectNode merged = DestinationSettings.merge(definition.destination(), update);
            boolean wasPartitioned = stream.settings().dynamicPartitioning();
            boolean partitioned = merged.path("DynamicPartitioningConfiguration").path("Enabled").asBoolean(false);
            if (wasPartitioned != partitioned) {
                throw FirehoseError.INVALID_ARGUMENT.exception(wasPartitioned
                        ? "Dynamic partitioning cannot be disabled once it is enabled on a delivery stream."
                        : "Dynamic partitioning can only be enabled when the delivery stream is created.");
            }
            DestinationSettings settings = DestinationSettings.from(merged);
            DeliveryStreamCatalog.Definition updated = definition.withDestination(settings.config(), clock.millis());
            catalog.save(updated);
            stream.reconfigure(updated, settings);
        }
    }

    void tag(String name, Map<String, String> tags) {
        DeliveryStream stream = stream(name);
        synchronized (stream) {
            Map<String, String> merged = new LinkedHashMap<>(stream.definition().tags());
            merged.putAll(tags);
            if (merged.size() > MAX_TAGS) {
                throw FirehoseError.LIMIT_EXCEEDED.exception("A delivery stream can have at most " + MAX_TAGS + " tags.");
            }
            DeliveryStreamCatalog.Definition updated = stream.definition().withTags(merged);
            catalog.save(updated);
            stream.redefine(updated);
        }
    }

    void untag(String name, List<String> keys) {
        DeliveryStream stream = stream(name);
        synchronized (stream) {
            Map<String, String> remaining = new LinkedHashMap<>(stream.definition().tags());
            keys.forEach(remaining::remove);
            DeliveryStreamCatalog.Definition updated = stream.definition().withTags(remaining);
            catalog.save(updated);
            stream.redefine(updated);
        }
    }

    /** Tags sorted by key. */
    Map<String, String> tags(String name) {
        return new TreeMap<>(stream(name).definition().tags());
    }

    void encryption(String name, boolean on) {
        DeliveryStream stream = stream(name);
        synchronized (stream) {
            DeliveryStreamCatalog.Definition updated = stream.definition().withEncryption(on);
            catalog.save(updated);
            stream.redefine(updated);
        }
    }

    /** Whether server-side encryption is on (StartDeliveryStreamEncryption), as put answers report it. */
    boolean encrypted(String name) {
        return stream(name).definition().encrypted();
    }

    /**
     * PutRecord / PutRecordBatch: stores the records durably and returns their record ids, in order.
     * Returns only once the records are in the durable buffer.
     */
    List<String> put(String name, List<byte[]> records) {
        DeliveryStream stream = stream(name);
        DeliveryStreamCatalog.Definition definition = stream.definition();
        if (definition.kinesisSource()) {
            throw FirehoseError.INVALID_ARGUMENT.exception("This operation is not permitted on KinesisStreamAsSource "
                    + "delivery stream type.");
        }
        List<RecordProcessing.Extraction> decisions = stream.partition(records);
        long now = clock.millis();
        long[] positions;
        try {
            positions = stream.accept(records, decisions, now);
        } catch (IllegalStateException closed) {
            if (!streams.containsKey(name)) {
                throw notFound(name); // deleted while this put was on its way
            }
            throw closed;
        }
        stream.buffer().awaitDurable(positions[records.size()]);
        if (stream.hasDue(now)) {
            wakeUp.release();
        }
        List<String> ids = new ArrayList<>(records.size());
        byte[] incarnation = definition.incarnation().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < records.size(); i++) {
            ByteBuffer id = ByteBuffer.allocate(incarnation.length + 8);
            id.put(incarnation).putLong(positions[i]);
            ids.add(Base64.getEncoder().encodeToString(id.array()));
        }
        return ids;
    }

    // ---- delivery

    /** Writes every object that is due now; returns how many were written. */
    public int flushDue() {
        return deliver(false);
    }

    /** Writes every pending object whatever its buffering hints say (the benchmark's final drain). */
    public int flushAll() {
        return deliver(true);
    }

    private int deliver(boolean everything) {
        deliveryLock.lock();
        try {
            if (kinesisSources != null) {
                kinesisSources.poll(streams.values());
            }
            int written = 0;
            long now = clock.millis();
            for (DeliveryStream stream : streams.values()) {
                List<DeliveryStream.PendingObject> due = stream.takeDue(now, everything);
                for (DeliveryStream.PendingObject object : due) {
                    if (delivery.write(stream, object, now)) {
                        written++;
                    }
                }
                stream.buffer().markDelivered(stream.deliveredThrough());
            }
            return written;
        } finally {
            deliveryLock.unlock();
        }
    }

    // ---- introspection (tests, benchmark, console)

    /** Records accepted by the stream and not yet in S3. */
    public int pendingRecords(String name) {
        return stream(name).pendingRecords();
    }

    /** What the stream holds and has not written to S3 yet, by the engine's clock. */
    DeliveryStream.BufferSnapshot buffered(String name) {
        return stream(name).snapshot(clock.millis());
    }

    /** The engine's time now (the clock the buffers are timed by). */
    Instant now() {
        return clock.instant();
    }

    /** The last delivery error of the stream ({@code S3.NoSuchBucket: ...}), or null after a success. */
    public String lastDeliveryError(String name) {
        return stream(name).lastDeliveryError();
    }

    public long objectsWritten() {
        return delivery.objectsWritten();
    }

    /** Bytes of records (before compression) written to S3 objects since start. */
    public long bytesDelivered() {
        return delivery.bytesDelivered();
    }

    Set<String> streamNames() {
        return streams.keySet();
    }

    @Override
    public void close() {
        closed = true;
        wakeUp.release();
        Thread thread = deliveryThread;
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deliveryLock.lock();
        try {
            for (DeliveryStream stream : streams.values()) {
                stream.buffer().close();
            }
        } finally {
            deliveryLock.unlock();
        }
    }
}
