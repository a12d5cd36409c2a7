package memberstream.live.explorer;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.security.access.prepost.PreAuthorize;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import memberstream.live.Attempted;
import memberstream.live.HashKeys;
import memberstream.live.ShardRange;

/**
 * The stream explorer's calls to Kinesis, through the console's SDK client, so they work the same on
 * the embedded engine, LocalStack and AWS. Every call goes through {@link Attempted#call}, which
 * retries throttled attempts and reports them. Reading is for every user; the calls that change a
 * stream (create, reshard, put) are for admins only, refused here and not just hidden in the view
 * (method security on the bean). Stateless and thread-safe.
 */
public class StreamExplorer {

    private final Supplier<KinesisClient> kinesis;
    private final Attempted.Pause pause;

    public StreamExplorer(Supplier<KinesisClient> kinesis) {
        this(kinesis, Attempted.Pause.THREAD_SLEEP);
    }

    StreamExplorer(Supplier<KinesisClient> kinesis, Attempted.Pause pause) {
        this.kinesis = kinesis;
        this.pause = pause;
    }

    /** One stream as the explorer lists it. */
    public record StreamRow(String name, String status, String mode, int retentionHours, int openShards,
                            Instant created, String arn) {
    }

    /** A record put for a test: where it went and why. */
    public record PutOutcome(String shardId, String sequenceNumber, String partitionKey, BigInteger hashKey,
                             ShardRange shard, String explanation) {
    }

    /** One GetRecords answer. */
    public record ShardRead(List<Record> records, Long millisBehindLatest, String nextShardIterator,
                            List<String> childShards) {
    }

    public Attempted<List<StreamRow>> streams() {
        return call(() -> {
            List<String> names = new ArrayList<>();
            ListStreamsResponse page = client().listStreams(r -> r.limit(100));
            names.addAll(page.streamNames());
            while (Boolean.TRUE.equals(page.hasMoreStreams()) && page.nextToken() != null) {
                String token = page.nextToken();
                page = client().listStreams(r -> r.nextToken(token));
                names.addAll(page.streamNames());
            }
            List<StreamRow> rows = new ArrayList<>();
            for (String name : names) {
                StreamDescriptionSummary s = client().describeStreamSummary(r -> r.streamName(name)).streamDescriptionSummary();
                rows.add(new StreamRow(s.streamName(), s.streamStatusAsString(),
                        s.streamModeDetails() == null ? "PROVISIONED" : s.streamModeDetails().streamModeAsString(),
                        s.retentionPeriodHours() == null ? 0 : s.retentionPeriodHours(),
                        s.openShardCount() == null ? 0 : s.openShardCount(), s.streamCreationTimestamp(), s.streamARN()));
            }
            rows.sort(Comparator.comparing(StreamRow::name));
            return rows;
        });
    }

    /** The stream's shards; none while it is still CREATING (ListShards refuses a stream that is not ready). */
    public Attempted<List<ShardRange>> shards(String stream) {
        return call(() -> {
            try {
                return listShards(stream).stream().map(ShardRange::of).toList();
            } catch (ResourceInUseException notReady) {
                return List.of();
            }
        });
    }

    /** Creates a stream: PROVISIONED with {@code shardCount} shards, or ON_DEMAND when it is null. */
    @PreAuthorize("hasRole('ADMIN')")
    public Attempted<Void> createStream(String name, Integer shardCount) {
        return call(() -> {
            client().createStream(r -> {
                r.streamName(name);
                if (shardCount == null) {
                    r.streamModeDetails(d -> d.streamMode(StreamMode.ON_DEMAND));
                } else {
                    r.shardCount(shardCount);
                }
            });
            return null;
        });
    }

    /** Splits an open shard at the middle of its hash-key range. */
    @PreAuthorize("hasRole('ADMIN')")
    public Attempted<Void> splitShard(String stream, ShardRange shard) {
        BigInteger middle = shard.startingHashKey().add(shard.endingHashKey()).add(BigInteger.ONE).shiftRight(1);
        return call(() -> {
            client().splitShard(r -> r.streamName(stream).shardToSplit(shard.shardId())
                    .newStartingHashKey(middle.toString()));
            return null;
        });
    }

    @PreAuthorize("hasRole('ADMIN')")
    public Attempted<Void> mergeShards(String stream, String shardId, String adjacentShardId) {
        return call(() -> {
            client().mergeShards(r -> r.streamName(stream).shardToMerge(shardId).adjacentShardToMerge(adjacentShardId));
            return null;
        });
    }

    /** UpdateShardCount with UNIFORM_SCALING; returns the target the service accepted. */
    @PreAuthorize("hasRole('ADMIN')")
    public Attempted<Integer> updateShardCount(String stream, int target) {
        return call(() -> client().updateShardCount(r -> r.streamName(stream).targetShardCount(target)
                .scalingType(ScalingType.UNIFORM_SCALING)).targetShardCount());
    }

    /** Puts one record and explains, from the open shards' ranges, why it landed where it did. */
    @PreAuthorize("hasRole('ADMIN')")
    public Attempted<PutOutcome> putTestRecord(String stream, String partitionKey, String data) {
        return call(() -> {
            PutRecordResponse put = client().putRecord(r -> r.streamName(stream).partitionKey(partitionKey)
                    .data(SdkBytes.fromString(data, StandardCharsets.UTF_8)));
            BigInteger hashKey = HashKeys.of(partitionKey);
            ShardRange shard = listShards(stream).stream().map(ShardRange::of)
                    .filter(s -> s.shardId().equals(put.shardId())).findFirst().orElse(null);
            String why = "MD5(\"" + partitionKey + "\") read as a 128-bit number is " + hashKey
                    + (shard == null ? "." : shard.covers(hashKey)
                    ? ", inside " + shard.shardId() + "'s hash-key range " + shard.startingHashKey() + " … "
                    + shard.endingHashKey() + "."
                    : ", which is outside " + shard.shardId() + "'s range " + shard.startingHashKey() + " … "
                    + shard.endingHashKey() + ": the endpoint did not route by the partition key's hash.");
            return new PutOutcome(put.shardId(), put.sequenceNumber(), partitionKey, hashKey, shard, why);
        });
    }

    /**
     * Reads one page of a shard from an iterator of the given type; {@code sequenceNumber} is for the
     * AT_/AFTER_SEQUENCE_NUMBER types, {@code timestamp} for AT_TIMESTAMP.
     */
    public Attempted<ShardRead> readShard(String stream, String shardId, ShardIteratorType type,
                                          String sequenceNumber, Instant timestamp, int limit) {
        return call(() -> {
            String iterator = client().getShardIterator(r -> {
                r.streamName(stream).shardId(shardId).shardIteratorType(type);
                if (type == ShardIteratorType.AT_SEQUENCE_NUMBER || type == ShardIteratorType.AFTER_SEQUENCE_NUMBER) {
                    r.startingSequenceNumber(sequenceNumber);
                }
                if (type == ShardIteratorType.AT_TIMESTAMP) {
                    r.timestamp(timestamp);
                }
            }).shardIterator();
            return read(iterator, limit);
        });
    }

    /** Reads the next page of a shard from the {@code NextShardIterator} an earlier read returned. */
    public Attempted<ShardRead> readNext(String shardIterator, int limit) {
        return call(() -> read(shardIterator, limit));
    }

    private ShardRead read(String iterator, int limit) {
        GetRecordsResponse page = client().getRecords(r -> r.shardIterator(iterator).limit(limit));
        return new ShardRead(page.records(), page.millisBehindLatest(), page.nextShardIterator(),
                page.childShards() == null ? List.of() : page.childShards().stream().map(ChildShard::shardId).toList());
    }

    private List<Shard> listShards(String stream) {
        List<Shard> shards = new ArrayList<>();
        ListShardsResponse page = client().listShards(r -> r.streamName(stream));
        shards.addAll(page.shards());
        while (page.nextToken() != null) {
            String token = page.nextToken();
            page = client().listShards(r -> r.nextToken(token));
            shards.addAll(page.shards());
        }
        return shards;
    }

    private KinesisClient client() {
        return kinesis.get();
    }

    private <T> Attempted<T> call(Supplier<T> call) {
        return Attempted.call(pause, call);
    }
}
