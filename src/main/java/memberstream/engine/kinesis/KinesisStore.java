package memberstream.engine.kinesis;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import memberstream.engine.storage.FsyncPolicy;
import memberstream.engine.storage.SegmentLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kinesis's state and its durability, in two {@link SegmentLog}s under {@code <engine>/kinesis}:
 * <ul>
 * <li>{@code meta/}: one entry per change of a stream, the whole stream as JSON
 *     ({@link KinesisStream.Snapshot}: settings, tags, status times, every shard with its hash range,
 *     lineage and log positions, and the registered fan-out consumers). The last entry for a name wins on replay. Always fsynced: changes are rare.</li>
 * <li>{@code records/}: one entry per record, in arrival order across all streams:
 *     {@code byte 1 (version), int32 shard uid, int64 arrival epoch millis, uint16 partition key
 *     length, partition key (UTF-8), data}. The entry's log position is the record's sequence number
 *     ({@link SequenceNumber}). Synced per the engine's fsync policy, group-committed per PutRecords.</li>
 * </ul>
 * A new record log starts with one padding entry ({@code byte 0, int32 -1}) that belongs to no shard.
 * On start the metadata is replayed, then the record log rebuilds each shard's in-memory
 * {@link ShardIndex}. Records become readable once durable per the policy, so a reader never sees a
 * record that a crash could take back. Old segments are deleted once all their records are past
 * their stream's retention (checked every ten seconds); reads filter by retention at once.
 * Threads: metadata and writes go through one lock ({@link #locked}); reads of records take only the
 * shard index's monitor.
 */
final class KinesisStore implements AutoCloseable {

    static final String ACCOUNT = "000000000000";
    static final int MAX_READ_BYTES = 10 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(KinesisStore.class);
    private static final byte RECORD_VERSION = 1;

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private byte[] stagingBuffer = new byte[64 * 1024];
    private final TreeMap<String, KinesisStream> streams = new TreeMap<>();
    private final Map<Integer, Shard> shardsByUid = new HashMap<>();
    private final Map<Integer, KinesisStream> streamsByShardUid = new HashMap<>();
    private int nextShardUid;
    private final SegmentLog meta;
    private final SegmentLog records;
    private final Clock clock;
    private final long statusDelayMillis;
    private final boolean throughputLimits;
    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final ScheduledExecutorService maintenance;

    KinesisStore(Path directory, FsyncPolicy policy, Clock clock, Duration statusDelay, boolean throughputLimits,
                 long segmentBytes) {
        this.clock = clock;
        this.statusDelayMillis = statusDelay.toMillis();
        this.throughputLimits = throughputLimits;
        Map<String, KinesisStream.Snapshot> latest = new LinkedHashMap<>();
        int[] maxUid = {-1};
        this.meta = SegmentLog.open(directory.resolve("meta"), FsyncPolicy.EVERY_BATCH, 16L * 1024 * 1024, (position, payload) -> {
            KinesisStream.Snapshot snapshot = readSnapshot(payload);
            latest.put(snapshot.name(), snapshot);
            snapshot.shards().forEach(shard -> maxUid[0] = Math.max(maxUid[0], shard.uid()));
        });
        nextShardUid = maxUid[0] + 1;
        long now = clock.millis();
        for (KinesisStream.Snapshot snapshot : latest.values()) {
            KinesisStream stream = KinesisStream.restore(snapshot);
            if (stream.status(now, statusDelayMillis) != null) {
                register(stream);
            }
        }
        long[] replayed = {0};
        this.records = SegmentLog.open(directory.resolve("records"), policy, segmentBytes, (position, payload) -> {
            Shard shard = shardsByUid.get(payload.getInt(payload.position() + 1));
            if (shard != null) {
                long arrival = payload.getLong(payload.position() + 5);
                shard.records.add(position, arrival);
                shard.lastArrival = Math.max(shard.lastArrival, arrival);
                replayed[0]++;
            }
        });
        if (records.endPosition() == 0) {
            // A padding entry (version 0, no shard) at position 0: every record then lies above 0, so
            // "just before the next record" (a fan-out ContinuationSequenceNumber) always has a number.
            records.appendDurably(ByteBuffer.wrap(new byte[] {0, -1, -1, -1, -1}));
        }
        log.info("Kinesis: {} streams and {} records recovered from {}", streams.size(), replayed[0], directory);
        maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "engine-kinesis-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        maintenance.scheduleWithFixedDelay(this::enforceRetentionQuietly, 10, 10, TimeUnit.SECONDS);
    }

    private KinesisStream.Snapshot readSnapshot(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        try {
            return json.readValue(bytes, KinesisStream.Snapshot.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable stream metadata in the Kinesis log", e);
        }
    }

    long now() {
        return clock.millis();
    }

    boolean throughputLimits() {
        return throughputLimits;
    }

    long statusDelayMillis() {
        return statusDelayMillis;
    }

    /** Runs {@code action} holding the store's lock (metadata reads and changes, record writes). */
    <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    // ---- metadata (call with the lock held) ----

    /** The stream, or null if there is none (a deleted stream is gone once its DELETING time is over). */
    KinesisStream find(String name) {
        KinesisStream stream = streams.get(name);
        if (stream != null && stream.status(now(), statusDelayMillis) == null) {
            unregister(stream);
            return null;
        }
        return stream;
    }

    List<KinesisStream> all() {
        List<KinesisStream> live = new ArrayList<>();
        for (KinesisStream stream : new ArrayList<>(streams.values())) {
            if (find(stream.name) != null) {
                live.add(stream);
            }
        }
        return live;
    }

    String status(KinesisStream stream) {
        return stream.status(now(), statusDelayMillis);
    }

    void register(KinesisStream stream) {
        streams.put(stream.name, stream);
        for (Shard shard : stream.shards) {
            shardsByUid.put(shard.uid, shard);
            streamsByShardUid.put(shard.uid, stream);
        }
    }

    private void unregister(KinesisStream stream) {
        streams.remove(stream.name);
        for (Shard shard : stream.shards) {
            shardsByUid.remove(shard.uid);
            streamsByShardUid.remove(shard.uid);
        }
    }

    /** A new shard of {@code stream}, starting at the record log's current end. Not yet persisted. */
    Shard newShard(KinesisStream stream, String parent, String adjacentParent, HashKey start, HashKey end) {
        Shard shard = new Shard(nextShardUid++, stream.nextShardIndex++, parent, adjacentParent, start, end,
                records.endPosition(), now());
        stream.shards.add(shard);
        shardsByUid.put(shard.uid, shard);
        streamsByShardUid.put(shard.uid, stream);
        return shard;
    }

    /** Closes a shard at the record log's current end: no record of it lies at or after that position. */
    void close(Shard shard) {
        shard.closedPosition = records.endPosition();
        shard.closedAt = now();
        // Fan-out subscribers look for the shard's end (they only schedule work here).
        shard.durableListeners.forEach(Runnable::run);
    }

    /** Makes the stream's current state durable (fsync) before the change is acknowledged. */
    void persist(KinesisStream stream) {
        try {
            meta.appendDurably(ByteBuffer.wrap(json.writeValueAsBytes(stream.snapshot())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Shard shardByUid(int uid) {
        return shardsByUid.get(uid);
    }

    KinesisStream streamOfShard(int uid) {
        return streamsByShardUid.get(uid);
    }

    long logEnd() {
        return records.endPosition();
    }

    // ---- records ----

    /**
     * One record to store: the hash key that routes it, its partition key's UTF-8 bytes and its data,
     * {@code dataLength} bytes of {@code dataArray} from {@code dataOffset} (several records of one
     * request may share an array).
     */
    record Pending(HashKey hashKey, byte[] partitionKey, byte[] dataArray, int dataOffset, int dataLength) {

        Pending(HashKey hashKey, byte[] partitionKey, byte[] data) {
            this(hashKey, partitionKey, data, 0, data.length);
        }

        /** A copy of the data. */
        byte[] data() {
            return java.util.Arrays.copyOfRange(dataArray, dataOffset, dataOffset + dataLength);
        }
    }

    /** Where each record went: its shard and log position; position -1 where the shard's allowance was spent. */
    record Appended(Shard[] shards, long[] positions) {
    }

    /**
     * Stores the records of one request. Routing, throttling, the log write and the index updates
     * happen under the lock (so they stay consistent with resharding); the wait for durability
     * (group commit) happens after it is released.
     */
    Appended append(KinesisStream stream, List<Pending> pending) {
        int count = pending.size();
        long[] outcome = new long[count];
        Shard[] shards = new Shard[count];
        long end;
        lock.lock();
        try {
            long now = now();
            KinesisStream.Router router = stream.router;
            int total = 0;
            for (Pending record : pending) {
                total += 15 + record.partitionKey().length + record.dataLength();
            }
            byte[] buffer = staging(total);
            List<ByteBuffer> payloads = new ArrayList<>(count);
            long[] arrivals = new long[count];
            int[] accepted = new int[count];
            int acceptedCount = 0;
            int at = 0;
            for (int i = 0; i < count; i++) {
                Pending record = pending.get(i);
                Shard shard = router.route(record.hashKey());
                shards[i] = shard;
                int bytes = record.partitionKey().length + record.dataLength();
                if (throughputLimits && !shard.tryWrite(now, bytes)) {
                    outcome[i] = -1;
                    continue;
                }
                long arrival = Math.max(now, shard.lastArrival);
                shard.lastArrival = arrival;
                arrivals[i] = arrival;
                ByteBuffer payload = ByteBuffer.wrap(buffer, at, 15 + bytes);
                payload.put(RECORD_VERSION).putInt(shard.uid).putLong(arrival)
                        .putShort((short) record.partitionKey().length).put(record.partitionKey())
                        .put(record.dataArray(), record.dataOffset(), record.dataLength());
                payloads.add(ByteBuffer.wrap(buffer, at, 15 + bytes));
                at += 15 + bytes;
                accepted[acceptedCount++] = i;
            }
            if (acceptedCount == 0) {
                return new Appended(shards, outcome);
            }
            long[] positions = new long[acceptedCount];
            end = records.append(payloads, positions);
            for (int j = 0; j < acceptedCount; j++) {
                int i = accepted[j];
                outcome[i] = positions[j];
                shards[i].records.add(positions[j], arrivals[i]);
            }
        } finally {
            lock.unlock();
        }
        records.awaitDurable(end);
        tellListeners(shards, outcome);
        return new Appended(shards, outcome);
    }

    /** Tells each shard that took a record of the request, once, that it has new durable records. */
    private static void tellListeners(Shard[] shards, long[] outcome) {
        for (int i = 0; i < shards.length; i++) {
            Shard shard = shards[i];
            if (outcome[i] < 0 || shard == null || shard.durableListeners.isEmpty()) {
                continue;
            }
            boolean told = false;
            for (int j = 0; j < i && !told; j++) {
                told = shards[j] == shard && outcome[j] >= 0;
            }
            if (!told) {
                shard.durableListeners.forEach(Runnable::run);
            }
        }
    }

    /** The lock holder's scratch array for a request's log entries (the log copies them before the lock is released). */
    private byte[] staging(int bytes) {
        if (stagingBuffer.length < bytes) {
            stagingBuffer = new byte[Math.max(bytes, Math.min(stagingBuffer.length * 2, 16 * 1024 * 1024))];
        }
        return stagingBuffer;
    }

    /** True once every record of the closed shard is durable, so that its end may be reported. */
    boolean durableThrough(long position) {
        return records.durablePosition() >= position;
    }

    /** A record read back. */
    record StoredRecord(long position, long arrival, String partitionKey, byte[] data) {
    }

    /** Records read from a shard; {@code more} says whether more visible records follow. */
    record Read(List<StoredRecord> records, boolean more, long nextArrival, long bytes) {
    }

    /**
     * Reads up to {@code limit} durable records of {@code shard} from {@code position} on, skipping those
     * past {@code notBefore} (retention), at most {@link #MAX_READ_BYTES} of data.
     */
    Read read(Shard shard, long position, long notBefore, int limit) {
        return read(shard, position, notBefore, limit, MAX_READ_BYTES);
    }

    /** As {@link #read(Shard, long, long, int)}, with at most {@code maxBytes} of data and keys (at least one record). */
    Read read(Shard shard, long position, long notBefore, int limit, long maxBytes) {
        ShardIndex.Slice slice = shard.records.slice(position, notBefore, records.durablePosition(), limit);
        List<StoredRecord> result = new ArrayList<>(slice.positions().length);
        long[] bytes = {0};
        boolean[] full = {false};
        long[] positions = slice.positions();
        int from = 0;
        try {
            while (from < positions.length && !full[0]) {
                int to = Math.min(positions.length, from + 256);
                records.read(positions, from, to, (entryPosition, payload) -> {
                    if (full[0]) {
                        return;
                    }
                    int start = payload.position();
                    long arrival = payload.getLong(start + 5);
                    int keyLength = Short.toUnsignedInt(payload.getShort(start + 13));
                    int dataLength = payload.remaining() - 15 - keyLength;
                    if (!result.isEmpty() && bytes[0] + dataLength + keyLength > maxBytes) {
                        full[0] = true;
                        return;
                    }
                    byte[] key = new byte[keyLength];
                    payload.get(start + 15, key);
                    byte[] data = new byte[dataLength];
                    payload.get(start + 15 + keyLength, data);
                    bytes[0] += dataLength + keyLength;
                    result.add(new StoredRecord(entryPosition, arrival, new String(key, StandardCharsets.UTF_8), data));
                });
                from = to;
            }
        } catch (IllegalArgumentException trimmedMeanwhile) {
            // The segment was deleted by retention while we read: those records are gone, as on AWS.
        }
        boolean more = slice.more() || result.size() < positions.length;
        long nextArrival = result.size() < positions.length ? slice.arrivals()[result.size()] : slice.nextArrival();
        return new Read(result, more, nextArrival, bytes[0]);
    }

    /** Position of the first record that arrived at or after {@code millis} in the shard; -1 if none yet. */
    long firstArrivedAtOrAfter(Shard shard, long millis) {
        return shard.records.firstArrivedAtOrAfter(millis);
    }

    // ---- retention ----

    private void enforceRetentionQuietly() {
        try {
            enforceRetention();
        } catch (RuntimeException e) {
            log.warn("Kinesis retention check failed", e);
        }
    }

    /** Trims each shard's index past its stream's retention and deletes log segments nobody needs any more. */
    void enforceRetention() {
        long keepFrom = locked(() -> {
            long now = now();
            long min = records.endPosition();
            for (KinesisStream stream : all()) {
                long cutoff = now - stream.retentionHours * 3_600_000L;
                for (Shard shard : stream.shards) {
                    long first = shard.records.trimArrivedBefore(cutoff);
                    if (first >= 0) {
                        min = Math.min(min, first);
                    }
                }
            }
            return min;
        });
        int deleted = records.deleteSegmentsBefore(keepFrom);
        if (deleted > 0) {
            log.info("Kinesis: deleted {} record log segments past retention", deleted);
        }
    }

    @Override
    public void close() {
        maintenance.shutdownNow();
        lock.lock();
        try {
            records.close();
            meta.close();
        } finally {
            lock.unlock();
        }
    }
}
