package memberstream.engine.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.AwsCall;
import memberstream.engine.protocol.WireCodec;

/**
 * Kinesis's stream actions: create, delete, describe and list streams and shards, and the account's
 * limits. Thread-safe: state is read and changed under the store's lock.
 */
final class StreamOperations extends KinesisOperations {

    StreamOperations(KinesisStore store) {
        super(store);
    }

    Object createStream(AwsCall call) {
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

    Object deleteStream(AwsCall call) {
        String name = streamName(call);
        boolean enforceConsumerDeletion = Boolean.TRUE.equals(call.bool("EnforceConsumerDeletion"));
        return store.locked(() -> {
            KinesisStream stream = existing(name);
            List<StreamConsumer> consumers = stream.liveConsumers(store.now(), store.statusDelayMillis());
            if (stream.deletedAt == null && !consumers.isEmpty() && !enforceConsumerDeletion) {
                throw KinesisError.RESOURCE_IN_USE.exception("Stream " + name + " under account " + ACCOUNT
                        + " has registered consumers; deregister them or set EnforceConsumerDeletion.");
            }
            if (stream.deletedAt == null) {
                consumers.forEach(consumer -> consumer.deletedAt = store.now());
                stream.deletedAt = store.now();
                store.persist(stream);
            }
            return NO_OUTPUT;
        });
    }

    Object describeStream(AwsCall call) {
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

    Object describeStreamSummary(AwsCall call) {
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
            summary.put("ConsumerCount", stream.liveConsumers(store.now(), store.statusDelayMillis()).size());
            return Map.of("StreamDescriptionSummary", summary);
        });
    }

    Object listStreams(AwsCall call) {
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

    Object listShards(AwsCall call) {
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

    List<Shard> filterShards(KinesisStream stream, JsonNode filter, AwsCall call) {
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
    static boolean openAt(Shard shard, long millis) {
        boolean created = shard.createdAt <= millis || shard.parentShardId == null;
        boolean notYetClosed = shard.isOpen() || shard.closedAt > millis;
        return created && notYetClosed;
    }

    Object describeLimits(AwsCall call) {
        return store.locked(() -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("ShardLimit", SHARD_LIMIT);
            answer.put("OpenShardCount", openShards());
            answer.put("OnDemandStreamCount", onDemandStreams());
            answer.put("OnDemandStreamCountLimit", ON_DEMAND_STREAM_LIMIT);
            return answer;
        });
    }
}
