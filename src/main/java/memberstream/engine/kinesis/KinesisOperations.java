package memberstream.engine.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.AwsCall;
import memberstream.engine.protocol.AwsServiceException;

/**
 * What the Kinesis action classes share: the store, the limits, the lookups of streams and shards
 * with AWS's wording for what is missing, and the wire details of shards and paging tokens. The
 * lookups expect the store's lock to be held where they read metadata. Stateless apart from the store.
 */
abstract class KinesisOperations {

    static final int SHARD_LIMIT = 500;
    static final int ON_DEMAND_STREAM_LIMIT = 50;
    static final int ON_DEMAND_SHARDS = 4;
    static final long ITERATOR_LIFETIME_MILLIS = 300_000;
    static final long NEXT_TOKEN_LIFETIME_MILLIS = 300_000;
    static final long MAX_PUT_RECORDS_BYTES = 10L * 1024 * 1024;
    static final String ACCOUNT = KinesisStore.ACCOUNT;
    /** The answer of an action without output (an empty body). */
    static final Object NO_OUTPUT = KinesisService.EMPTY_ANSWER;

    final KinesisStore store;

    KinesisOperations(KinesisStore store) {
        this.store = store;
    }

    void checkShardLimit(int additional, String region) {
        int open = openShards();
        if (open + additional > SHARD_LIMIT) {
            throw KinesisError.LIMIT_EXCEEDED.exception("This request would exceed the shard limit for the account " + ACCOUNT
                    + " in " + region + ". Current limit of shards is " + SHARD_LIMIT + ". Number of additional shards that would have "
                    + "resulted in exceeding the limit is " + (open + additional - SHARD_LIMIT) + ".");
        }
    }

    int openShards() {
        int open = 0;
        for (KinesisStream stream : store.all()) {
            if (stream.deletedAt == null) {
                open += stream.openShards().size();
            }
        }
        return open;
    }

    int onDemandStreams() {
        int count = 0;
        for (KinesisStream stream : store.all()) {
            if (stream.deletedAt == null && "ON_DEMAND".equals(stream.mode)) {
                count++;
            }
        }
        return count;
    }

    // ------------------------------------------------------------------ lookups and wire details

    static String streamName(AwsCall call) {
        String name = call.string("StreamName");
        String arn = call.string("StreamARN");
        if (name == null && arn == null) {
            throw KinesisError.VALIDATION.exception("Either StreamName or StreamARN must be provided.");
        }
        if (name != null && arn != null && !name.equals(nameFromArn(arn))) {
            throw KinesisError.INVALID_ARGUMENT.exception("StreamARN " + arn + " does not name the stream " + name + ".");
        }
        return name != null ? name : nameFromArn(arn);
    }

    static String nameFromArn(String arn) {
        int at = arn.indexOf(":stream/");
        String name = arn.substring(at + ":stream/".length());
        int slash = name.indexOf('/');
        return slash < 0 ? name : name.substring(0, slash);
    }

    static String arn(String region, String name) {
        return "arn:aws:kinesis:" + region + ":" + ACCOUNT + ":stream/" + name;
    }

    static String streamMode(JsonNode details, String absent) {
        return details == null ? absent : details.path("StreamMode").asText(absent);
    }

    KinesisStream existing(String name) {
        KinesisStream stream = store.find(name);
        if (stream == null) {
            throw notFound(name);
        }
        return stream;
    }

    KinesisStream existingNotDeleting(String name) {
        KinesisStream stream = existing(name);
        if (stream.deletedAt != null) {
            throw notFound(name);
        }
        return stream;
    }

    /** A stream that can take and give records: ACTIVE or UPDATING. */
    KinesisStream readable(String name) {
        KinesisStream stream = existing(name);
        String status = store.status(stream);
        if (!"ACTIVE".equals(status) && !"UPDATING".equals(status)) {
            throw notFound(name);
        }
        return stream;
    }

    KinesisStream writable(String name) {
        return readable(name);
    }

    /** A stream whose settings may change: ACTIVE only. */
    KinesisStream active(String name) {
        KinesisStream stream = existing(name);
        String status = store.status(stream);
        if (!"ACTIVE".equals(status)) {
            throw KinesisError.RESOURCE_IN_USE.exception("Stream " + name + " under account " + ACCOUNT
                    + " not ACTIVE, instead in state " + status);
        }
        return stream;
    }

    static AwsServiceException notFound(String name) {
        return KinesisError.RESOURCE_NOT_FOUND.exception("Stream " + name + " under account " + ACCOUNT + " not found.");
    }

    Shard shardOf(KinesisStream stream, String shardIdText) {
        int index = ShardId.parse(shardIdText);
        if (index < 0) {
            throw KinesisError.RESOURCE_NOT_FOUND.exception("Could not find shard " + shardIdText + " in stream "
                    + stream.name + " under account " + ACCOUNT + ".");
        }
        Shard shard = stream.shard(index);
        if (shard == null || !visibleShards(stream).contains(shard)) {
            throw KinesisError.RESOURCE_NOT_FOUND.exception("Shard " + ShardId.format(index) + " in stream " + stream.name
                    + " under account " + ACCOUNT + " does not exist");
        }
        return shard;
    }

    /** The shards AWS still lists: open ones, and closed ones until their records are past retention. */
    List<Shard> visibleShards(KinesisStream stream) {
        long cutoff = store.now() - stream.retentionHours * 3_600_000L;
        return stream.shards.stream().filter(s -> s.isOpen() || s.closedAt >= cutoff).toList();
    }

    HashKey hashKey(String explicit, String partitionKey) {
        if (explicit == null) {
            return HashKey.ofPartitionKey(partitionKey);
        }
        HashKey key = HashKey.parse(explicit);
        if (key == null) {
            throw KinesisError.INVALID_ARGUMENT.exception("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: "
                    + "[0, 2^128-1]. Specified value was " + explicit);
        }
        return key;
    }

    static String rateExceeded(Shard shard, String streamName) {
        return "Rate exceeded for shard " + shard.shardId + " in stream " + streamName + " under account " + ACCOUNT + ".";
    }

    Map<String, Object> describe(Shard shard) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("ShardId", shard.shardId);
        description.put("ParentShardId", shard.parentShardId);
        description.put("AdjacentParentShardId", shard.adjacentParentShardId);
        description.put("HashKeyRange", hashRange(shard));
        Map<String, Object> sequenceRange = new LinkedHashMap<>();
        sequenceRange.put("StartingSequenceNumber", new SequenceNumber(shard.startPosition, shard.uid).format());
        if (!shard.isOpen()) {
            sequenceRange.put("EndingSequenceNumber", new SequenceNumber(shard.closedPosition, shard.uid).format());
        }
        description.put("SequenceNumberRange", sequenceRange);
        return description;
    }

    static Map<String, Object> hashRange(Shard shard) {
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("StartingHashKey", shard.startKey.toString());
        range.put("EndingHashKey", shard.endKey.toString());
        return range;
    }

    String encodeToken(Map<String, Object> content) {
        try {
            return Base64.getEncoder().encodeToString(TOKEN_JSON.writeValueAsBytes(content));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode decodeToken(String token) {
        try {
            JsonNode node = TOKEN_JSON.readTree(Base64.getDecoder().decode(token));
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException();
            }
            return node;
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw KinesisError.INVALID_ARGUMENT.exception("Invalid NextToken.");
        }
    }

    /**
     * Where a reader starting at {@code type} (a ShardIteratorType or StartingPosition type) begins in
     * the record log, checked as GetShardIterator checks it. Call with the lock held.
     */
    long startingPosition(KinesisStream stream, Shard shard, String type, String startingSequence, Instant timestamp) {
        boolean bySequence = type.equals("AT_SEQUENCE_NUMBER") || type.equals("AFTER_SEQUENCE_NUMBER");
        if (bySequence && startingSequence == null) {
            throw KinesisError.INVALID_ARGUMENT.exception("Must either specify (1) AT_SEQUENCE_NUMBER or "
                    + "AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no "
                    + "StartingSequenceNumber. Request specified " + type + " and no StartingSequenceNumber.");
        }
        if (!bySequence && startingSequence != null && !type.equals("AT_TIMESTAMP")) {
            throw KinesisError.INVALID_ARGUMENT.exception("Must either specify (1) AT_SEQUENCE_NUMBER or "
                    + "AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no "
                    + "StartingSequenceNumber. Request specified " + type + " and also a StartingSequenceNumber.");
        }
        return switch (type) {
            case "TRIM_HORIZON" -> shard.startPosition;
            case "LATEST" -> shard.isOpen() ? store.logEnd() : shard.closedPosition;
            case "AT_TIMESTAMP" -> {
                if (timestamp == null) {
                    throw KinesisError.INVALID_ARGUMENT.exception("Must specify timestampInMillis parameter for "
                            + "iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.");
                }
                long at = timestamp.toEpochMilli();
                if (at > store.now()) {
                    throw KinesisError.INVALID_ARGUMENT.exception("The timestampInMillis parameter cannot be greater "
                            + "than the currentTimestampInMillis. timestampInMillis: " + at
                            + ", currentTimestampInMillis: " + store.now());
                }
                long first = store.firstArrivedAtOrAfter(shard, at);
                yield first >= 0 ? first : (shard.isOpen() ? store.logEnd() : shard.closedPosition);
            }
            default -> {
                SequenceNumber sequence = sequenceFor(startingSequence, shard, stream);
                yield type.equals("AT_SEQUENCE_NUMBER") ? sequence.position() : sequence.position() + 1;
            }
        };
    }

    SequenceNumber sequenceFor(String text, Shard shard, KinesisStream stream) {
        SequenceNumber sequence = SequenceNumber.parse(text);
        if (sequence == null) {
            throw KinesisError.INVALID_ARGUMENT.exception("StartingSequenceNumber " + text + " used in GetShardIterator on shard "
                    + shard.shardId + " in stream " + stream.name + " under account " + ACCOUNT + " is invalid.");
        }
        if (sequence.shardUid() != shard.uid) {
            Shard other = store.shardByUid(sequence.shardUid());
            if (other != null && store.streamOfShard(other.uid) == stream) {
                throw KinesisError.INVALID_ARGUMENT.exception("Invalid StartingSequenceNumber. It encodes " + other.shardId
                        + ", while it was used in a call to a shard with " + shard.shardId);
            }
            throw KinesisError.INVALID_ARGUMENT.exception("StartingSequenceNumber " + text + " used in GetShardIterator on shard "
                    + shard.shardId + " in stream " + stream.name + " under account " + ACCOUNT
                    + " is invalid because it did not come from this stream.");
        }
        return sequence;
    }

    /**
     * The shards that name {@code parent} as a parent. Streams resharded by an older engine may hold a
     * child with more than two overlapping parents, which names only two: for a closed shard nobody
     * names, the children are found by position and overlap, as that engine reported them.
     */
    List<Object> childShards(KinesisStream stream, Shard parent) {
        List<Object> named = new ArrayList<>();
        for (Shard child : stream.shards) {
            if (parent.shardId.equals(child.parentShardId) || parent.shardId.equals(child.adjacentParentShardId)) {
                List<String> parents = new ArrayList<>(2);
                parents.add(child.parentShardId);
                if (child.adjacentParentShardId != null) {
                    parents.add(child.adjacentParentShardId);
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("ShardId", child.shardId);
                entry.put("ParentShards", parents);
                entry.put("HashKeyRange", hashRange(child));
                named.add(entry);
            }
        }
        if (!named.isEmpty()) {
            return named;
        }
        List<Object> children = new ArrayList<>();
        for (Shard child : stream.shards) {
            if (child.startPosition == parent.closedPosition && child.parentShardId != null && child.overlaps(parent)) {
                List<String> parents = new ArrayList<>();
                for (Shard candidate : stream.shards) {
                    if (!candidate.isOpen() && candidate.closedPosition == parent.closedPosition && candidate.overlaps(child)) {
                        parents.add(candidate.shardId);
                    }
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("ShardId", child.shardId);
                entry.put("ParentShards", parents);
                entry.put("HashKeyRange", hashRange(child));
                children.add(entry);
            }
        }
        return children;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper TOKEN_JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
