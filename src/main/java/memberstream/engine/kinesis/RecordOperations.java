package memberstream.engine.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import memberstream.engine.protocol.AwsCall;
import memberstream.engine.protocol.WireCodec;

/**
 * Kinesis's record actions: PutRecord, PutRecords, GetShardIterator and GetRecords. Thread-safe:
 * metadata is read under the store's lock, records are appended and read as the store allows.
 */
final class RecordOperations extends KinesisOperations {
    private static final DateTimeFormatter AMZ_TIME =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss 'UTC' yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    RecordOperations(KinesisStore store) {
        super(store);
    }

    Object putRecord(AwsCall call) {
        String name = streamName(call);
        String partitionKey = call.string("PartitionKey");
        byte[] data = call.blob("Data");
        HashKey hashKey = hashKey(call.string("ExplicitHashKey"), partitionKey);
        String ordering = call.string("SequenceNumberForOrdering");
        KinesisStream stream = store.locked(() -> {
            KinesisStream found = writable(name);
            if (ordering != null) {
                checkOrdering(ordering, name);
            }
            return found;
        });
        KinesisStore.Appended appended = store.append(stream,
                List.of(new KinesisStore.Pending(hashKey, partitionKey.getBytes(StandardCharsets.UTF_8), data)));
        Shard shard = appended.shards()[0];
        if (appended.positions()[0] < 0) {
            throw KinesisError.PROVISIONED_THROUGHPUT_EXCEEDED.exception(rateExceeded(shard, name));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ShardId", shard.shardId);
        answer.put("SequenceNumber", new SequenceNumber(appended.positions()[0], shard.uid).format());
        answer.put("EncryptionType", stream.encryptionType);
        return answer;
    }

    /**
     * A {@code SequenceNumberForOrdering} must be a sequence number this engine has given out: the
     * record then lands after it, since a new record's log position, the high digits of its number,
     * lies above every stored one. Anything else (another format, a number not yet given out) is
     * refused as AWS refuses it. Call with the lock held.
     */
    void checkOrdering(String ordering, String name) {
        SequenceNumber after = SequenceNumber.parse(ordering);
        if (after == null || after.position() >= store.logEnd()) {
            throw KinesisError.INVALID_ARGUMENT.exception("ExclusiveMinimumSequenceNumber " + ordering
                    + " used in PutRecord on stream " + name + " under account " + ACCOUNT + " is invalid.");
        }
    }

    Object putRecords(AwsCall call) {
        String name = streamName(call);
        JsonNode entries = call.node("Records");
        List<KinesisStore.Pending> pending = new ArrayList<>(entries.size());
        for (JsonNode entry : entries) {
            String partitionKey = entry.get("PartitionKey").asText();
            byte[] key = partitionKey.getBytes(StandardCharsets.UTF_8);
            byte[] data = WireCodec.blob(entry.get("Data"));
            JsonNode explicit = entry.get("ExplicitHashKey");
            HashKey hashKey = hashKey(explicit == null || explicit.isNull() ? null : explicit.asText(), partitionKey);
            pending.add(new KinesisStore.Pending(hashKey, key, data));
        }
        return store(name, pending);
    }

    /** Stores a validated PutRecords request (from the general path or the fast path). */
    Object store(String name, List<KinesisStore.Pending> pending) {
        long total = 0;
        for (KinesisStore.Pending record : pending) {
            total += record.partitionKey().length + record.dataLength();
        }
        if (total > MAX_PUT_RECORDS_BYTES) {
            throw KinesisError.INVALID_ARGUMENT.exception("Records size exceeds 10 MB limit");
        }
        KinesisStream stream = store.locked(() -> writable(name));
        KinesisStore.Appended appended = store.append(stream, pending);
        return new PutRecordsAnswer(appended, name, stream.encryptionType);
    }

    Object getShardIterator(AwsCall call) {
        String name = streamName(call);
        String shardIdText = call.string("ShardId");
        String type = call.string("ShardIteratorType");
        String startingSequence = call.string("StartingSequenceNumber");
        Instant timestamp = call.timestamp("Timestamp");
        return store.locked(() -> {
            KinesisStream stream = readable(name);
            Shard shard = shardOf(stream, shardIdText);
            long position = startingPosition(stream, shard, type, startingSequence, timestamp);
            String iterator = new ShardIterator(stream.name, stream.createdAt, shard.uid, shard.index, position, store.now()).encode();
            return Map.of("ShardIterator", iterator);
        });
    }

    Object getRecords(AwsCall call) {
        ShardIterator iterator = ShardIterator.decode(call.string("ShardIterator"));
        if (iterator == null) {
            throw KinesisError.INVALID_ARGUMENT.exception("Invalid ShardIterator.");
        }
        long now = store.now();
        if (now - iterator.issuedAt() > ITERATOR_LIFETIME_MILLIS) {
            throw KinesisError.EXPIRED_ITERATOR.exception("Iterator expired. The iterator was created at time "
                    + AMZ_TIME.format(Instant.ofEpochMilli(iterator.issuedAt())) + " while right now it is "
                    + AMZ_TIME.format(Instant.ofEpochMilli(now)) + " which is further in the future than the tolerated delay of "
                    + ITERATOR_LIFETIME_MILLIS + " milliseconds.");
        }
        int limit = call.integer("Limit", 10000);
        record Target(KinesisStream stream, Shard shard, long notBefore, List<Object> children) {
        }
        Target target = store.locked(() -> {
            KinesisStream stream = store.find(iterator.streamName());
            Shard shard = stream == null || stream.createdAt != iterator.streamCreatedAt() ? null : store.shardByUid(iterator.shardUid());
            if (shard == null || !"ACTIVE".equals(store.status(stream)) && !"UPDATING".equals(store.status(stream))) {
                String shardId = shard != null ? shard.shardId
                        : iterator.shardIndex() >= 0 ? ShardId.format(iterator.shardIndex()) : null;
                throw KinesisError.RESOURCE_NOT_FOUND.exception("Shard " + (shardId == null ? "" : shardId + " ")
                        + "in stream " + iterator.streamName() + " under account " + ACCOUNT + " does not exist");
            }
            return new Target(stream, shard, now - stream.retentionHours * 3_600_000L,
                    shard.isOpen() ? List.of() : childShards(stream, shard));
        });
        Shard shard = target.shard();
        if (store.throughputLimits() && !shard.tryRead(now)) {
            throw KinesisError.PROVISIONED_THROUGHPUT_EXCEEDED.exception("Rate exceeded for Shard - " + shard.shardId
                    + " in stream " + iterator.streamName() + " under account " + ACCOUNT + ".");
        }
        KinesisStore.Read read = store.read(shard, iterator.position(), target.notBefore(), limit);
        shard.countRead(read.bytes());
        long next = read.records().isEmpty() ? iterator.position() : read.records().get(read.records().size() - 1).position() + 1;
        boolean endOfClosedShard = !shard.isOpen() && !read.more() && store.durableThrough(shard.closedPosition);
        String nextIterator = endOfClosedShard ? null
                : new ShardIterator(iterator.streamName(), iterator.streamCreatedAt(), shard.uid, shard.index, next, now)
                        .encode();
        long behind = read.more() ? Math.max(0, now - read.nextArrival()) : 0;
        return new GetRecordsAnswer(read.records(), shard.uid, nextIterator, behind,
                endOfClosedShard ? target.children() : null, target.stream().encryptionType);
    }
}
