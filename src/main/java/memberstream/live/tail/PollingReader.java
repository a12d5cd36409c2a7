package memberstream.live.tail;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The live consumer's polling reader: one GetRecords on one shard per call, from the shard's
 * checkpoint (AFTER_SEQUENCE_NUMBER), else where a catch-up left it (AT_TIMESTAMP), else its oldest or
 * latest record. Paces itself through the
 * cursor's {@code due}: {@code pollInterval} while records flow, {@code idlePollInterval} when quiet,
 * a growing backoff when throttled or failing. Thread-safety: the consumer thread's only.
 */
final class PollingReader {

    private static final Logger log = LoggerFactory.getLogger(PollingReader.class);

    /** What a read tells the consumer. */
    interface Events {
        void records(ShardCursor cursor, List<Record> records, Long millisBehindLatest);

        /** The shard is closed and read to its end. */
        void finished(ShardCursor cursor, List<ChildShard> children);

        void streamGone();
    }

    private final Supplier<KinesisClient> kinesis;
    private final LiveProperties properties;
    private final Clock clock;
    private final Events events;

    PollingReader(Supplier<KinesisClient> kinesis, LiveProperties properties, Clock clock, Events events) {
        this.kinesis = kinesis;
        this.properties = properties;
        this.clock = clock;
        this.events = events;
    }

    void read(ShardCursor cursor, String stream) {
        try {
            if (cursor.iterator == null) {
                cursor.iterator = iteratorFor(cursor, stream);
            }
            GetRecordsResponse response = kinesis.get().getRecords(r -> r.shardIterator(cursor.iterator)
                    .limit(properties.getRecordsLimit()));
            Instant now = clock.instant();
            cursor.backoff = java.time.Duration.ZERO;
            cursor.iterator = response.nextShardIterator();
            events.records(cursor, response.records(), response.millisBehindLatest());
            boolean behind = response.millisBehindLatest() != null && response.millisBehindLatest() > 0;
            cursor.due = now.plus(response.records().isEmpty() && !behind ? properties.idlePollInterval()
                    : properties.pollInterval());
            if (cursor.iterator == null) {
                events.finished(cursor, response.childShards());
            }
        } catch (ProvisionedThroughputExceededException | LimitExceededException throttled) {
            cursor.throttles++;
            cursor.backOff(clock.instant());
        } catch (ExpiredIteratorException expired) {
            cursor.iterator = null;
            cursor.due = clock.instant();
        } catch (ResourceNotFoundException gone) {
            events.streamGone();
        } catch (SdkClientException | KinesisException failed) {
            cursor.iterator = null;
            cursor.backOff(clock.instant());
            log.debug("GetRecords on {} failed, retrying in {}: {}", cursor.shard.shardId(), cursor.backoff,
                    FanOutReader.firstLine(failed));
        }
    }

    private String iteratorFor(ShardCursor cursor, String stream) {
        String shardId = cursor.shard.shardId();
        if (cursor.checkpoint != null) {
            try {
                return kinesis.get().getShardIterator(r -> r.streamName(stream).shardId(shardId)
                        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .startingSequenceNumber(cursor.checkpoint)).shardIterator();
            } catch (InvalidArgumentException notInShard) {
                log.info("Checkpoint {} is not in {} of {} any more; reading from its oldest record",
                        cursor.checkpoint, shardId, stream);
                cursor.checkpoint = null;
            }
        }
        if (cursor.startAt != null) {
            try {
                return kinesis.get().getShardIterator(r -> r.streamName(stream).shardId(shardId)
                        .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(cursor.startAt)).shardIterator();
            } catch (InvalidArgumentException refused) { // e.g. a time ahead of the endpoint's clock
                log.info("AT_TIMESTAMP {} refused on {} of {}; reading from the initial position: {}", cursor.startAt,
                        shardId, stream, FanOutReader.firstLine(refused));
                cursor.startAt = null;
            }
        }
        ShardIteratorType type = cursor.startAtLatest ? ShardIteratorType.LATEST : ShardIteratorType.TRIM_HORIZON;
        return kinesis.get().getShardIterator(r -> r.streamName(stream).shardId(shardId).shardIteratorType(type))
                .shardIterator();
    }
}
