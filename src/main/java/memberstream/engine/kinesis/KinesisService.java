package memberstream.engine.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import memberstream.engine.EngineContext;
import memberstream.engine.EngineProperties;
import memberstream.engine.protocol.AwsCall;
import memberstream.engine.protocol.AwsJsonService;
import memberstream.engine.protocol.AwsServiceException;
import memberstream.engine.protocol.WireCodec;
import memberstream.engine.storage.SegmentLog;

/**
 * The local Kinesis Data Streams: one handler per action, each checked first against its table in
 * {@link KinesisRules}; state and durability live in {@link KinesisStore}. Accepts
 * {@code X-Amz-Target: Kinesis_20131202.*}. Thread-safe (see the store for the locking).
 * Streams are kept per engine, not per region; ARNs carry the region the request was signed for.
 */
public final class KinesisService extends AwsJsonService implements AutoCloseable {

    public static final String TARGET_PREFIX = "Kinesis_20131202.";
    static final int SHARD_LIMIT = 500;
    static final int ON_DEMAND_STREAM_LIMIT = 50;
    static final int ON_DEMAND_SHARDS = 4;
    static final long ITERATOR_LIFETIME_MILLIS = 300_000;
    static final long NEXT_TOKEN_LIFETIME_MILLIS = 300_000;
    static final long MAX_PUT_RECORDS_BYTES = 10L * 1024 * 1024;
    private static final String ACCOUNT = KinesisStore.ACCOUNT;
    private static final DateTimeFormatter AMZ_TIME =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss 'UTC' yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final KinesisStore store;

    public KinesisService(EngineContext context) {
        this(context.directory("kinesis"), context.properties(), context.clock(), SegmentLog.DEFAULT_SEGMENT_BYTES);
    }

    public KinesisService(Path directory, EngineProperties properties, Clock clock, long segmentBytes) {
        super(TARGET_PREFIX, "us-east-1");
        this.store = new KinesisStore(directory, properties.fsync(), clock, properties.statusDelay(),
                properties.throughputLimits(), segmentBytes);
        register("CreateStream", KinesisRules.CREATE_STREAM, this::createStream);
        register("DeleteStream", KinesisRules.DELETE_STREAM, this::deleteStream);
        register("DescribeStream", KinesisRules.DESCRIBE_STREAM, this::describeStream);
        register("DescribeStreamSummary", KinesisRules.DESCRIBE_STREAM_SUMMARY, this::describeStreamSummary);
        register("ListStreams", KinesisRules.LIST_STREAMS, this::listStreams);
        register("ListShards", KinesisRules.LIST_SHARDS, this::listShards);
        register("PutRecord", KinesisRules.PUT_RECORD, this::putRecord);
        register("PutRecords", KinesisRules.PUT_RECORDS, this::putRecords);
        registerFastPath("PutRecords", new PutRecordsFastPath(codec(), this::store));
        register("GetShardIterator", KinesisRules.GET_SHARD_ITERATOR, this::getShardIterator);
        register("GetRecords", KinesisRules.GET_RECORDS, this::getRecords);
        register("IncreaseStreamRetentionPeriod", KinesisRules.RETENTION, this::increaseRetention);
        register("DecreaseStreamRetentionPeriod", KinesisRules.RETENTION, this::decreaseRetention);
        register("AddTagsToStream", KinesisRules.ADD_TAGS, this::addTags);
        register("RemoveTagsFromStream", KinesisRules.REMOVE_TAGS, this::removeTags);
        register("ListTagsForStream", KinesisRules.LIST_TAGS, this::listTags);
        register("TagResource", KinesisRules.TAG_RESOURCE, this::tagResource);
        register("UntagResource", KinesisRules.UNTAG_RESOURCE, this::untagResource);
        register("ListTagsForResource", KinesisRules.LIST_TAGS_FOR_RESOURCE, this::listTagsForResource);
        register("SplitShard", KinesisRules.SPLIT_SHARD, this::splitShard);
        register("MergeShards", KinesisRules.MERGE_SHARDS, this::mergeShards);
        register("UpdateShardCount", KinesisRules.UPDATE_SHARD_COUNT, this::updateShardCount);
        register("UpdateStreamMode", KinesisRules.UPDATE_STREAM_MODE, this::updateStreamMode);
        register("DescribeLimits", KinesisRules.DESCRIBE_LIMITS, this::describeLimits);
        register("StartStreamEncryption", KinesisRules.START_ENCRYPTION, this::startEncryption);
        register("StopStreamEncryption", KinesisRules.STOP_ENCRYPTION, this::stopEncryption);
    }

    /** Deletes record segments past retention now (also runs every ten seconds on its own). */
    public void enforceRetention() {
        store.enforceRetention();
    }

    @Override
    public void close() {
        store.close();
    }

    // ------------------------------------------------------------------ streams

    private Object createStream(AwsCall call) {
        String name = call.string("StreamName");
        String mode = streamMode(call.node("StreamModeDetails"), "PROVISIONED");
        Integer requested = call.integer("ShardCount");
        if ("PROVISIONED".equals(mode) && requested == null) {
            throw KinesisError.INVALID_ARGUMENT.exception("ShardCount is required for a stream in PROVISIONED mode.");
        }
        int shardCount = "ON_DEMAND".equals(mode) ? ON_DEMAND_SHARDS : requested;
        Map<String, String> tags = StreamTags.of(call.node("Tags"));
        StreamTags.checkCharacters(tags, "create stream " + name);
        StreamTags.checkCount(tags.size(), "create stream " + name);
        return store.locked(() -> {
            if (store.find(name) != null) {
                throw KinesisError.RESOURCE_IN_USE.exception("Stream " + name + " under account " + ACCOUNT + " already exists.");
            }
            checkShardLimit(shardCount, call.region());
            if ("ON_DEMAND".equals(mode) && onDemandStreams() >= ON_DEMAND_STREAM_LIMIT) {
                throw KinesisError.LIMIT_EXCEEDED.exception("This request would exceed the limit of "
                        + ON_DEMAND_STREAM_LIMIT + " on-demand streams for the account " + ACCOUNT + ".");
            }
            KinesisStream stream = new KinesisStream(name, store.now());
            stream.mode = mode;
            stream.retentionHours = 24;
            stream.tags.putAll(tags);
            BigInteger space = HashKey.MAX_VALUE.add(BigInteger.ONE);
            BigInteger step = space.divide(BigInteger.valueOf(shardCount));
            for (int i = 0; i < shardCount; i++) {
                BigInteger start = step.multiply(BigInteger.valueOf(i));
                BigInteger end = i == shardCount - 1 ? HashKey.MAX_VALUE : step.multiply(BigInteger.valueOf(i + 1)).subtract(BigInteger.ONE);
                store.newShard(stream, null, null, HashKey.of(start), HashKey.of(end));
            }
            stream.reroute();
            store.register(stream);
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    private Object deleteStream(AwsCall call) {
        String name = streamName(call);
        return store.locked(() -> {
            KinesisStream stream = existing(name);
            if (stream.deletedAt == null) {
                stream.deletedAt = store.now();
                store.persist(stream);
            }
            return NO_OUTPUT;
        });
    }

    private Object describeStream(AwsCall call) {
        String name = streamName(call);
        int limit = call.integer("Limit", 100);
        String exclusiveStart = call.string("ExclusiveStartShardId");
        return store.locked(() -> {
            KinesisStream stream = existing(name);
            String status = store.status(stream);
            // AWS lists no shards until the stream is ACTIVE.
            List<Shard> visible = "CREATING".equals(status) ? List.of() : visibleShards(stream);
            int startIndex = exclusiveStart == null ? -1 : ShardId.parse(exclusiveStart);
            List<Object> shards = new ArrayList<>();
            boolean more = false;
            for (Shard shard : visible) {
                if (shard.index <= startIndex) {
                    continue;
                }
                if (shards.size() == limit) {
                    more = true;
                    break;
                }
                shards.add(describe(shard));
            }
            Map<String, Object> description = new LinkedHashMap<>();
            description.put("StreamName", stream.name);
            description.put("StreamARN", arn(call.region(), stream.name));
            description.put("StreamStatus", status);
            description.put("StreamModeDetails", Map.of("StreamMode", stream.mode));
            description.put("Shards", shards);
            description.put("HasMoreShards", more);
            description.put("RetentionPeriodHours", stream.retentionHours);
            description.put("StreamCreationTimestamp", Instant.ofEpochMilli(stream.createdAt));
            description.put("EnhancedMonitoring", List.of(Map.of("ShardLevelMetrics", List.of())));
            description.put("EncryptionType", stream.encryptionType);
            description.put("KeyId", stream.keyId);
            return Map.of("StreamDescription", description);
        });
    }

    private Object describeStreamSummary(AwsCall call) {
        String name = streamName(call);
        return store.locked(() -> {
            KinesisStream stream = existing(name);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("StreamName", stream.name);
            summary.put("StreamARN", arn(call.region(), stream.name));
            summary.put("StreamStatus", store.status(stream));
            summary.put("StreamModeDetails", Map.of("StreamMode", stream.mode));
            summary.put("RetentionPeriodHours", stream.retentionHours);
            summary.put("StreamCreationTimestamp", Instant.ofEpochMilli(stream.createdAt));
            summary.put("EnhancedMonitoring", List.of(Map.of("ShardLevelMetrics", List.of())));
            summary.put("EncryptionType", stream.encryptionType);
            summary.put("KeyId", stream.keyId);
            summary.put("OpenShardCount", stream.openShards().size());
            summary.put("ConsumerCount", 0);
            return Map.of("StreamDescriptionSummary", summary);
        });
    }

    private Object listStreams(AwsCall call) {
        int limit = call.integer("Limit", 100);
        String after = call.string("ExclusiveStartStreamName");
        String token = call.string("NextToken");
        if (token != null) {
            after = decodeToken(token).path("after").asText(null);
        }
        String exclusiveStart = after;
        return store.locked(() -> {
            List<String> names = new ArrayList<>();
            List<Object> summaries = new ArrayList<>();
            boolean more = false;
            for (KinesisStream stream : store.all()) {
                if (exclusiveStart != null && stream.name.compareTo(exclusiveStart) <= 0) {
                    continue;
                }
                if (names.size() == limit) {
                    more = true;
                    break;
                }
                names.add(stream.name);
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("StreamName", stream.name);
                summary.put("StreamARN", arn(call.region(), stream.name));
                summary.put("StreamStatus", store.status(stream));
                summary.put("StreamModeDetails", Map.of("StreamMode", stream.mode));
                summary.put("StreamCreationTimestamp", Instant.ofEpochMilli(stream.createdAt));
                summaries.add(summary);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("StreamNames", names);
            answer.put("HasMoreStreams", more);
            if (more) {
                answer.put("NextToken", encodeToken(Map.of("after", names.get(names.size() - 1), "at", store.now())));
            }
            answer.put("StreamSummaries", summaries);
            return answer;
        });
    }

    private Object listShards(AwsCall call) {
        String token = call.string("NextToken");
        if (token != null && call.has("StreamName")) {
            throw KinesisError.INVALID_ARGUMENT.exception("NextToken and StreamName cannot be provided together.");
        }
        String name;
        int afterIndex = -1;
        JsonNode filter = call.node("ShardFilter");
        if (token != null) {
            JsonNode decoded = decodeToken(token);
            if (store.now() - decoded.path("at").asLong() > NEXT_TOKEN_LIFETIME_MILLIS) {
                throw KinesisError.EXPIRED_NEXT_TOKEN.exception("The timestamp of the NextToken has expired; "
                        + "a NextToken lasts " + NEXT_TOKEN_LIFETIME_MILLIS / 1000 + " seconds.");
            }
            name = decoded.path("stream").asText();
            afterIndex = decoded.path("after").asInt(-1);
            filter = decoded.get("filter");
        } else {
            name = streamName(call);
            String exclusiveStart = call.string("ExclusiveStartShardId");
            if (exclusiveStart != null) {
                afterIndex = ShardId.parse(exclusiveStart);
            }
        }
        int limit = call.integer("MaxResults", 1000);
        JsonNode shardFilter = filter;
        int startAfter = afterIndex;
        return store.locked(() -> {
            KinesisStream stream = existing(name);
            String status = store.status(stream);
            if ("CREATING".equals(status)) {
                // Seen from AWS: ListShards fails until the stream is ready (clients poll it for that).
                // The wording is that of AWS's other "not ready" refusals (UNCONFIRMED for ListShards).
                throw KinesisError.RESOURCE_IN_USE.exception("Stream " + name + " under account " + ACCOUNT
                        + " not ACTIVE or UPDATING, instead in state " + status);
            }
            List<Shard> selected = filterShards(stream, shardFilter, call);
            List<Object> shards = new ArrayList<>();
            int last = -1;
            boolean more = false;
            for (Shard shard : selected) {
                if (shard.index <= startAfter) {
                    continue;
                }
                if (shards.size() == limit) {
                    more = true;
                    break;
                }
                shards.add(describe(shard));
                last = shard.index;
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("Shards", shards);
            if (more) {
                Map<String, Object> next = new LinkedHashMap<>();
                next.put("stream", stream.name);
                next.put("after", last);
                next.put("at", store.now());
                if (shardFilter != null) {
                    next.put("filter", shardFilter);
                }
                answer.put("NextToken", encodeToken(next));
            }
            return answer;
        });
    }

    private List<Shard> filterShards(KinesisStream stream, JsonNode filter, AwsCall call) {
        List<Shard> visible = visibleShards(stream);
        if (filter == null) {
            return visible;
        }
        String type = filter.path("Type").asText();
        long now = store.now();
        long trimHorizon = now - stream.retentionHours * 3_600_000L;
        List<Shard> selected = new ArrayList<>();
        switch (type) {
            case "AFTER_SHARD_ID" -> {
                if (!filter.hasNonNull("ShardId")) {
                    throw KinesisError.INVALID_ARGUMENT.exception("ShardFilter of type AFTER_SHARD_ID requires a ShardId.");
                }
                int after = ShardId.parse(filter.get("ShardId").asText());
                visible.stream().filter(s -> s.index > after).forEach(selected::add);
            }
            case "AT_TRIM_HORIZON" -> visible.stream().filter(s -> openAt(s, trimHorizon)).forEach(selected::add);
            case "FROM_TRIM_HORIZON" -> selected.addAll(visible);
            case "AT_LATEST" -> visible.stream().filter(Shard::isOpen).forEach(selected::add);
            case "AT_TIMESTAMP", "FROM_TIMESTAMP" -> {
                if (!filter.hasNonNull("Timestamp")) {
                    throw KinesisError.INVALID_ARGUMENT.exception("ShardFilter of type " + type + " requires a Timestamp.");
                }
                long at = WireCodec.timestamp(filter.get("Timestamp"), call.format()).toEpochMilli();
                for (Shard shard : visible) {
                    boolean openThen = openAt(shard, at);
                    boolean laterChild = shard.createdAt > at;
                    if (openThen || ("FROM_TIMESTAMP".equals(type) && laterChild)) {
                        selected.add(shard);
                    }
                }
            }
            default -> selected.addAll(visible);
        }
        return selected;
    }

    /** Was the shard open at {@code millis}? Shards created before the horizon count from the stream's start. */
    private static boolean openAt(Shard shard, long millis) {
        boolean created = shard.createdAt <= millis || shard.parentShardId == null;
        boolean notYetClosed = shard.isOpen() || shard.closedAt > millis;
        return created && notYetClosed;
    }

    // ------------------------------------------------------------------ records

    private Object putRecord(AwsCall call) {
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
    private void checkOrdering(String ordering, String name) {
        SequenceNumber after = SequenceNumber.parse(ordering);
        if (after == null || after.position() >= store.logEnd()) {
            throw KinesisError.INVALID_ARGUMENT.exception("ExclusiveMinimumSequenceNumber " + ordering
                    + " used in PutRecord on stream " + name + " under account " + ACCOUNT + " is invalid.");
        }
    }

    private Object putRecords(AwsCall call) {
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
    private Object store(String name, List<KinesisStore.Pending> pending) {
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

    private Object getShardIterator(AwsCall call) {
        String name = streamName(call);
        String shardIdText = call.string("ShardId");
        String type = call.string("ShardIteratorType");
        String startingSequence = call.string("StartingSequenceNumber");
        Instant timestamp = call.timestamp("Timestamp");
        return store.locked(() -> {
            KinesisStream stream = readable(name);
            Shard shard = shardOf(stream, shardIdText);
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
            long position = switch (type) {
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
            String iterator = new ShardIterator(stream.name, stream.createdAt, shard.uid, shard.index, position, store.now()).encode();
            return Map.of("ShardIterator", iterator);
        });
    }

    private SequenceNumber sequenceFor(String text, Shard shard, KinesisStream stream) {
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

    private Object getRecords(AwsCall call) {
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

    /**
     * The shards that name {@code parent} as a parent. Streams resharded by an older engine may hold a
     * child with more than two overlapping parents, which names only two: for a closed shard nobody
     * names, the children are found by position and overlap, as that engine reported them.
     */
    private List<Object> childShards(KinesisStream stream, Shard parent) {
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

    // ------------------------------------------------------------------ retention, tags, encryption, mode

    private Object increaseRetention(AwsCall call) {
        return changeRetention(call, true);
    }

    private Object decreaseRetention(AwsCall call) {
        return changeRetention(call, false);
    }

    private Object changeRetention(AwsCall call, boolean increase) {
        String name = streamName(call);
        int hours = call.integer("RetentionPeriodHours");
        if (hours < 24) {
            throw KinesisError.INVALID_ARGUMENT.exception("Minimum allowed retention period is 24 hours. "
                    + "Requested retention period (" + hours + " hours) is too short.");
        }
        return store.locked(() -> {
            KinesisStream stream = active(name);
            if (increase && hours < stream.retentionHours) {
                throw KinesisError.INVALID_ARGUMENT.exception("Requested retention period (" + hours + " hours) for stream "
                        + name + " can not be shorter than existing retention period (" + stream.retentionHours
                        + " hours). Use DecreaseRetentionPeriod API.");
            }
            if (!increase && hours > stream.retentionHours) {
                throw KinesisError.INVALID_ARGUMENT.exception("Requested retention period (" + hours + " hours) for stream "
                        + name + " can not be longer than existing retention period (" + stream.retentionHours
                        + " hours). Use IncreaseRetentionPeriod API.");
            }
            stream.retentionHours = hours;
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    private Object addTags(AwsCall call) {
        return tag(streamName(call), StreamTags.of(call.node("Tags")));
    }

    private Object tagResource(AwsCall call) {
        return tag(StreamTags.streamOfResource(call.string("ResourceARN")), StreamTags.of(call.node("Tags")));
    }

    private Object tag(String name, Map<String, String> tags) {
        return store.locked(() -> {
            KinesisStream stream = existingNotDeleting(name);
            StreamTags.checkCharacters(tags, "add tags to stream " + name);
            Map<String, String> merged = new LinkedHashMap<>(stream.tags);
            merged.putAll(tags);
            StreamTags.checkCount(merged.size(), "add tags to stream " + name);
            stream.tags.clear();
            stream.tags.putAll(merged);
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    private Object removeTags(AwsCall call) {
        return untag(streamName(call), call.node("TagKeys"));
    }

    private Object untagResource(AwsCall call) {
        return untag(StreamTags.streamOfResource(call.string("ResourceARN")), call.node("TagKeys"));
    }

    private Object untag(String name, JsonNode keys) {
        return store.locked(() -> {
            KinesisStream stream = existingNotDeleting(name);
            keys.forEach(key -> stream.tags.remove(key.asText()));
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    private Object listTags(AwsCall call) {
        String name = streamName(call);
        String after = call.string("ExclusiveStartTagKey");
        int limit = call.integer("Limit", 50);
        return store.locked(() -> {
            KinesisStream stream = existing(name);
            List<String> keys = new ArrayList<>(stream.tags.keySet());
            keys.sort(null);
            List<Object> tags = new ArrayList<>();
            boolean more = false;
            for (String key : keys) {
                if (after != null && key.compareTo(after) <= 0) {
                    continue;
                }
                if (tags.size() == limit) {
                    more = true;
                    break;
                }
                tags.add(Map.of("Key", key, "Value", stream.tags.get(key)));
            }
            return Map.of("Tags", tags, "HasMoreTags", more);
        });
    }

    /** All of a stream's tags, by key; TagResource's listing has no paging. */
    private Object listTagsForResource(AwsCall call) {
        String name = StreamTags.streamOfResource(call.string("ResourceARN"));
        return store.locked(() -> {
            KinesisStream stream = existing(name);
            List<String> keys = new ArrayList<>(stream.tags.keySet());
            keys.sort(null);
            List<Object> tags = new ArrayList<>();
            for (String key : keys) {
                tags.add(Map.of("Key", key, "Value", stream.tags.get(key)));
            }
            return Map.of("Tags", tags);
        });
    }

    private Object startEncryption(AwsCall call) {
        return changeEncryption(call, true);
    }

    private Object stopEncryption(AwsCall call) {
        return changeEncryption(call, false);
    }

    /** Recorded and reported only: there is no KMS here, the log is not encrypted. */
    private Object changeEncryption(AwsCall call, boolean start) {
        String name = streamName(call);
        String type = call.string("EncryptionType");
        if (!"KMS".equals(type)) {
            throw KinesisError.INVALID_ARGUMENT.exception("Encryption type " + type + " is not supported; use KMS.");
        }
        String keyId = call.string("KeyId");
        return store.locked(() -> {
            KinesisStream stream = active(name);
            stream.encryptionType = start ? "KMS" : "NONE";
            stream.keyId = start ? keyId : null;
            stream.updatingUntil = store.now() + store.statusDelayMillis();
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    private Object updateStreamMode(AwsCall call) {
        String name = nameFromArn(call.string("StreamARN"));
        String mode = streamMode(call.node("StreamModeDetails"), null);
        return store.locked(() -> {
            KinesisStream stream = active(name);
            if ("ON_DEMAND".equals(mode) && !"ON_DEMAND".equals(stream.mode) && onDemandStreams() >= ON_DEMAND_STREAM_LIMIT) {
                throw KinesisError.LIMIT_EXCEEDED.exception("This request would exceed the limit of "
                        + ON_DEMAND_STREAM_LIMIT + " on-demand streams for the account " + ACCOUNT + ".");
            }
            stream.mode = mode;
            stream.updatingUntil = store.now() + store.statusDelayMillis();
            store.persist(stream);
            return NO_OUTPUT;
        });
    }

    private Object describeLimits(AwsCall call) {
        return store.locked(() -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("ShardLimit", SHARD_LIMIT);
            answer.put("OpenShardCount", openShards());
            answer.put("OnDemandStreamCount", onDemandStreams());
            answer.put("OnDemandStreamCountLimit", ON_DEMAND_STREAM_LIMIT);
            return answer;
        });
    }

    // ------------------------------------------------------------------ resharding

    private Object splitShard(AwsCall call) {
        String name = streamName(call);
        String shardText = call.string("ShardToSplit");
        String newStartText = call.string("NewStartingHashKey");
        return store.locked(() -> {
            KinesisStream stream = reshardable(name);
            Shard parent = shardOf(stream, shardText);
            requireOpen(parent, stream);
            HashKey newStart = HashKey.parse(newStartText);
            // Each child keeps at least two hash keys, as on AWS.
            BigInteger lowest = parent.startKey.toBigInteger().add(BigInteger.TWO);
            if (newStart == null || newStart.toBigInteger().compareTo(lowest) < 0 || newStart.compareTo(parent.endKey) >= 0) {
                throw KinesisError.INVALID_ARGUMENT.exception("NewStartingHashKey " + newStartText + " used in SplitShard() on shard "
                        + parent.shardId + " in stream " + name + " under account " + ACCOUNT
                        + " is not both greater than one plus the shard's StartingHashKey " + parent.startKey
                        + " and less than the shard's EndingHashKey " + parent.endKey + ".");
            }
            checkShardLimit(1, call.region());
            split(stream, parent, newStart);
            finishReshard(stream);
            return NO_OUTPUT;
        });
    }

    private Object mergeShards(AwsCall call) {
        String name = streamName(call);
        String firstText = call.string("ShardToMerge");
        String secondText = call.string("AdjacentShardToMerge");
        return store.locked(() -> {
            KinesisStream stream = reshardable(name);
            Shard first = shardOf(stream, firstText);
            Shard second = shardOf(stream, secondText);
            requireOpen(first, stream);
            requireOpen(second, stream);
            Shard low = first.startKey.compareTo(second.startKey) <= 0 ? first : second;
            Shard high = low == first ? second : first;
            if (first == second || !low.endKey.toBigInteger().add(BigInteger.ONE).equals(high.startKey.toBigInteger())) {
                throw KinesisError.INVALID_ARGUMENT.exception("Shards " + first.shardId + " and " + second.shardId
                        + " in stream " + name + " under account " + ACCOUNT
                        + " are not an adjacent pair of shards eligible for merging");
            }
            store.close(first);
            store.close(second);
            store.newShard(stream, first.shardId, second.shardId, low.startKey, high.endKey);
            finishReshard(stream);
            return NO_OUTPUT;
        });
    }

    /**
     * UNIFORM_SCALING as AWS does it, by splits and merges of single shards: first every open shard
     * that a boundary of the target's even layout crosses is split there (once per boundary), then the
     * pieces inside each target range are merged, lowest first. Pieces that already match a target
     * range stay as they are; the shards in between are closed at once (AWS's "short-lived shards").
     * Doubling an even stream only splits, halving only merges. Lineage is that of the single
     * operations: a split's children name their parent, a merge's child both of its parents.
     */
    private Object updateShardCount(AwsCall call) {
        String name = streamName(call);
        int target = call.integer("TargetShardCount");
        return store.locked(() -> {
            KinesisStream stream = reshardable(name);
            List<Shard> open = new ArrayList<>(stream.openShards());
            open.sort(java.util.Comparator.comparing((Shard shard) -> shard.startKey));
            int current = open.size();
            if (target > current * 2) {
                throw KinesisError.INVALID_ARGUMENT.exception("UpdateShardCount failed for stream " + name + " under account "
                        + ACCOUNT + ". Cannot scale up to more than double the current open shard count (" + current + ").");
            }
            if (target * 2 < current) {
                throw KinesisError.INVALID_ARGUMENT.exception("UpdateShardCount failed for stream " + name + " under account "
                        + ACCOUNT + ". Cannot scale down below half the current open shard count (" + current + ").");
            }
            if (target != current) {
                checkShardLimit(target - current, call.region());
                java.util.Set<HashKey> starts = new java.util.HashSet<>(evenStarts(target));
                List<Shard> pieces = new ArrayList<>();
                for (Shard shard : open) {
                    Shard rest = shard;
                    for (HashKey boundary : evenStarts(target)) {
                        if (boundary.compareTo(rest.startKey) > 0 && boundary.compareTo(rest.endKey) <= 0) {
                            Shard[] halves = split(stream, rest, boundary);
                            pieces.add(halves[0]);
                            rest = halves[1];
                        }
                    }
                    pieces.add(rest);
                }
                for (int i = 0; i < pieces.size(); ) {
                    Shard merged = pieces.get(i++);
                    while (i < pieces.size() && !starts.contains(pieces.get(i).startKey)) {
                        merged = merge(stream, merged, pieces.get(i++));
                    }
                }
                finishReshard(stream);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("StreamName", name);
            answer.put("CurrentShardCount", current);
            answer.put("TargetShardCount", target);
            answer.put("StreamARN", arn(call.region(), name));
            return answer;
        });
    }

    /** The starting hash keys of {@code count} shards splitting the key space evenly (as CreateStream lays them out), in order. */
    private static List<HashKey> evenStarts(int count) {
        BigInteger step = HashKey.MAX_VALUE.add(BigInteger.ONE).divide(BigInteger.valueOf(count));
        List<HashKey> starts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            starts.add(HashKey.of(step.multiply(BigInteger.valueOf(i))));
        }
        return starts;
    }

    /** Closes {@code parent} and opens its two children, split at {@code newStart}; returns {low, high}. Call with the lock held. */
    private Shard[] split(KinesisStream stream, Shard parent, HashKey newStart) {
        store.close(parent);
        HashKey lowEnd = HashKey.of(newStart.toBigInteger().subtract(BigInteger.ONE));
        Shard low = store.newShard(stream, parent.shardId, null, parent.startKey, lowEnd);
        Shard high = store.newShard(stream, parent.shardId, null, newStart, parent.endKey);
        return new Shard[] {low, high};
    }

    /** Closes two adjacent shards and opens the one that covers both (parent {@code low}, adjacent parent {@code high}). */
    private Shard merge(KinesisStream stream, Shard low, Shard high) {
        store.close(low);
        store.close(high);
        return store.newShard(stream, low.shardId, high.shardId, low.startKey, high.endKey);
    }

    private void finishReshard(KinesisStream stream) {
        stream.reroute();
        stream.updatingUntil = store.now() + store.statusDelayMillis();
        store.persist(stream);
    }

    private KinesisStream reshardable(String name) {
        KinesisStream stream = active(name);
        if ("ON_DEMAND".equals(stream.mode)) {
            throw KinesisError.VALIDATION.exception("This operation is not supported for streams in ON_DEMAND mode; "
                    + "the stream " + name + " scales on its own.");
        }
        return stream;
    }

    private static void requireOpen(Shard shard, KinesisStream stream) {
        if (!shard.isOpen()) {
            throw KinesisError.RESOURCE_IN_USE.exception("Shard " + shard.shardId + " in stream " + stream.name
                    + " under account " + ACCOUNT + " has already been merged or split, and thus is not eligible for merging or splitting.");
        }
    }

    private void checkShardLimit(int additional, String region) {
        int open = openShards();
        if (open + additional > SHARD_LIMIT) {
            throw KinesisError.LIMIT_EXCEEDED.exception("This request would exceed the shard limit for the account " + ACCOUNT
                    + " in " + region + ". Current limit of shards is " + SHARD_LIMIT + ". Number of additional shards that would have "
                    + "resulted in exceeding the limit is " + (open + additional - SHARD_LIMIT) + ".");
        }
    }

    private int openShards() {
        int open = 0;
        for (KinesisStream stream : store.all()) {
            if (stream.deletedAt == null) {
                open += stream.openShards().size();
            }
        }
        return open;
    }

    private int onDemandStreams() {
        int count = 0;
        for (KinesisStream stream : store.all()) {
            if (stream.deletedAt == null && "ON_DEMAND".equals(stream.mode)) {
                count++;
            }
        }
        return count;
    }

    // ------------------------------------------------------------------ lookups and wire details

    private static String streamName(AwsCall call) {
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

    private static String nameFromArn(String arn) {
        int at = arn.indexOf(":stream/");
        String name = arn.substring(at + ":stream/".length());
        int slash = name.indexOf('/');
        return slash < 0 ? name : name.substring(0, slash);
    }

    static String arn(String region, String name) {
        return "arn:aws:kinesis:" + region + ":" + ACCOUNT + ":stream/" + name;
    }

    private static String streamMode(JsonNode details, String absent) {
        return details == null ? absent : details.path("StreamMode").asText(absent);
    }

    private KinesisStream existing(String name) {
        KinesisStream stream = store.find(name);
        if (stream == null) {
            throw notFound(name);
        }
        return stream;
    }

    private KinesisStream existingNotDeleting(String name) {
        KinesisStream stream = existing(name);
        if (stream.deletedAt != null) {
            throw notFound(name);
        }
        return stream;
    }

    /** A stream that can take and give records: ACTIVE or UPDATING. */
    private KinesisStream readable(String name) {
        KinesisStream stream = existing(name);
        String status = store.status(stream);
        if (!"ACTIVE".equals(status) && !"UPDATING".equals(status)) {
            throw notFound(name);
        }
        return stream;
    }

    private KinesisStream writable(String name) {
        return readable(name);
    }

    /** A stream whose settings may change: ACTIVE only. */
    private KinesisStream active(String name) {
        KinesisStream stream = existing(name);
        String status = store.status(stream);
        if (!"ACTIVE".equals(status)) {
            throw KinesisError.RESOURCE_IN_USE.exception("Stream " + name + " under account " + ACCOUNT
                    + " not ACTIVE, instead in state " + status);
        }
        return stream;
    }

    private static AwsServiceException notFound(String name) {
        return KinesisError.RESOURCE_NOT_FOUND.exception("Stream " + name + " under account " + ACCOUNT + " not found.");
    }

    private Shard shardOf(KinesisStream stream, String shardIdText) {
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
    private List<Shard> visibleShards(KinesisStream stream) {
        long cutoff = store.now() - stream.retentionHours * 3_600_000L;
        return stream.shards.stream().filter(s -> s.isOpen() || s.closedAt >= cutoff).toList();
    }

    private HashKey hashKey(String explicit, String partitionKey) {
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

    private Map<String, Object> describe(Shard shard) {
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

    private static Map<String, Object> hashRange(Shard shard) {
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("StartingHashKey", shard.startKey.toString());
        range.put("EndingHashKey", shard.endKey.toString());
        return range;
    }

    private String encodeToken(Map<String, Object> content) {
        try {
            return Base64.getEncoder().encodeToString(TOKEN_JSON.writeValueAsBytes(content));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode decodeToken(String token) {
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

    private static final com.fasterxml.jackson.databind.ObjectMapper TOKEN_JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
