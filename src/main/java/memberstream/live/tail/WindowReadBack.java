package memberstream.live.tail;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads a shard back from a point in time up to a checkpoint, so that after a restart the live tail's
 * window (chart, rates, recent records) shows what the stream already holds; or, when a watcher comes
 * back to an idle consumer, up to the shard's newest record ({@link #catchUp}). Reads with GetRecords
 * from {@code AT_TIMESTAMP}, whatever the mode of the live reading; stops at the first record after
 * the checkpoint, at the end of a closed shard, when caught up, or after {@code maxCalls} calls
 * (bounded cost: 30 minutes of a busy stream are a few calls of up to 10,000 records).
 *
 * <p>Thread-safety: none needed; used by the consumer thread while it starts (or resumes) reading a stream.
 */
final class WindowReadBack {

    private static final Logger log = LoggerFactory.getLogger(WindowReadBack.class);

    private final Supplier<KinesisClient> kinesis;
    private final int limit;
    private final int maxCalls;

    WindowReadBack(Supplier<KinesisClient> kinesis, int limit, int maxCalls) {
        this.kinesis = kinesis;
        this.limit = limit;
        this.maxCalls = maxCalls;
    }

    /**
     * Reads back every checkpointed shard from {@code since} up to its checkpoint; returns what was
     * read, converted, oldest arrival first. A shard that cannot be read back is logged and skipped.
     */
    List<LiveRecord> rebuild(String stream, Instant since, Map<String, Checkpoints.Checkpoint> saved,
                             BiFunction<String, Record, LiveRecord> convert) {
        List<LiveRecord> restored = new ArrayList<>();
        for (Checkpoints.Checkpoint checkpoint : new TreeMap<>(saved).values()) {
            if (checkpoint.sequenceNumber() == null) {
                continue;
            }
            String shardId = checkpoint.shardId();
            try {
                readBack(stream, shardId, since, checkpoint.sequenceNumber(), record -> restored.add(convert.apply(shardId, record)));
            } catch (SdkClientException | KinesisException failed) {
                log.info("Could not read back {} of {} since {}: {}", shardId, stream, since, FanOutReader.firstLine(failed));
            }
        }
        restored.sort(Comparator.comparing(LiveRecord::arrival, Comparator.nullsFirst(Comparator.naturalOrder())));
        if (!restored.isEmpty()) {
            log.info("Rebuilt the live tail's window from {} record(s) of {}", restored.size(), stream);
        }
        return restored;
    }

    /**
     * Hands every record of the shard that arrived from {@code since} up to and including
     * {@code upTo} (every record, when null) to {@code sink}, oldest first. Returns the number read.
     */
    int readBack(String stream, String shardId, Instant since, String upTo, Consumer<Record> sink) {
        String iterator = kinesis.get().getShardIterator(r -> r.streamName(stream).shardId(shardId)
                .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(since)).shardIterator();
        int read = 0;
        for (int call = 0; call < maxCalls && iterator != null; call++) {
            String current = iterator;
            GetRecordsResponse response = kinesis.get().getRecords(r -> r.shardIterator(current).limit(limit));
            for (Record record : response.records()) {
                if (upTo != null && compare(record.sequenceNumber(), upTo) > 0) {
                    return read;
                }
                sink.accept(record);
                read++;
            }
            boolean caughtUp = response.millisBehindLatest() == null || response.millisBehindLatest() == 0;
            if (response.records().isEmpty() && caughtUp) {
                return read;
            }
            iterator = response.nextShardIterator();
        }
        return read;
    }

    /**
     * Where a catch-up of one shard ended.
     *
     * @param lastSeen the last record read (handed on or skipped as known), null when none arrived since
     * @param complete the read reached the shard's newest record (or the end of a closed shard), not only
     *                 the limit of calls
     */
    record CatchUp(String lastSeen, boolean complete) {
    }

    /**
     * Catches up every unfinished shard from {@code since} to its newest record, for a consumer that
     * stopped reading while nobody watched, and moves each cursor on: after the last record read; or, when
     * nothing arrived since {@code since}, to AT_TIMESTAMP {@code since} (what came before it while nobody
     * watched is not shown). A shard that fails keeps its position. On a stream never read, a shard without a
     * checkpoint is caught up too (TRIM_HORIZON: the window is shown, not 24 hours announced as new), unless
     * the initial position is LATEST.
     *
     * @param feedHolds the feed holds each shard up to its cursor's checkpoint: only what follows is read in
     * @param moved     told of each cursor whose checkpoint moved
     * @return the records to put into the feed's window, oldest arrival first
     */
    List<LiveRecord> catchUp(String stream, Collection<ShardCursor> cursors, Instant since, boolean feedHolds,
                             BiFunction<String, Record, LiveRecord> convert, Consumer<ShardCursor> moved) {
        List<LiveRecord> restored = new ArrayList<>();
        for (ShardCursor cursor : cursors) {
            if (cursor.finished || cursor.startAtLatest && cursor.checkpoint == null && !feedHolds) {
                continue; // LATEST on a stream never read: what it holds already is not shown
            }
            String shardId = cursor.shard.shardId();
            try {
                CatchUp caught = catchUpShard(stream, shardId, since, feedHolds ? cursor.checkpoint : null,
                        record -> restored.add(convert.apply(shardId, record)));
                if (caught.lastSeen() != null) {
                    String after = FanOutSession.later(caught.lastSeen(), cursor.checkpoint);
                    if (!after.equals(cursor.checkpoint)) {
                        cursor.checkpoint = after;
                        moved.accept(cursor);
                    }
                } else if (caught.complete()) {
                    cursor.checkpoint = null;
                    cursor.startAt = since;
                    cursor.startAtLatest = false;
                }
            } catch (SdkClientException | KinesisException failed) {
                log.info("Could not catch up {} of {}; reading on from its checkpoint: {}", shardId, stream,
                        FanOutReader.firstLine(failed));
            }
        }
        restored.sort(Comparator.comparing(LiveRecord::arrival, Comparator.nullsFirst(Comparator.naturalOrder())));
        if (!restored.isEmpty()) {
            log.info("Caught up the live tail's window with {} record(s) of {}", restored.size(), stream);
        }
        return restored;
    }

    /**
     * Reads the shard from {@code since} to its newest record, for a consumer that stopped reading while
     * nobody watched: hands on every record after {@code known} (every record, when null: what the feed
     * already holds is not handed on twice). Failures propagate: the caller keeps its old position.
     */
    CatchUp catchUpShard(String stream, String shardId, Instant since, String known, Consumer<Record> sink) {
        String iterator = kinesis.get().getShardIterator(r -> r.streamName(stream).shardId(shardId)
                .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(since)).shardIterator();
        String lastSeen = null;
        for (int call = 0; call < maxCalls; call++) {
            String current = iterator;
            GetRecordsResponse response = kinesis.get().getRecords(r -> r.shardIterator(current).limit(limit));
            for (Record record : response.records()) {
                if (known == null || compare(record.sequenceNumber(), known) > 0) {
                    sink.accept(record);
                }
                lastSeen = record.sequenceNumber();
            }
            iterator = response.nextShardIterator();
            Long behind = response.millisBehindLatest();
            boolean atNewest = behind == null ? response.records().isEmpty()
                    : behind == 0 && response.records().size() < limit;
            if (iterator == null || atNewest) {
                return new CatchUp(lastSeen, true);
            }
        }
        return new CatchUp(lastSeen, false);
    }

    /** Orders Kinesis sequence numbers (decimal strings of up to 128 bits). */
    static int compare(String a, String b) {
        try {
            return new BigInteger(a).compareTo(new BigInteger(b));
        } catch (NumberFormatException notDecimal) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
    }
}
