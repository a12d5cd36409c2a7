package memberstream.engine.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.AwsCall;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.EventStreamEncoding;
import memberstream.engine.protocol.WireCodec;

/**
 * Kinesis's enhanced fan-out: RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers,
 * DeregisterStreamConsumer and SubscribeToShard (whose event stream {@link ShardSubscription} writes). A consumer is CREATING, then ACTIVE after the
 * engine's status delay, and DELETING for as long after it is deregistered; it is kept in its
 * stream's metadata (durable). Thread-safe: everything happens under the store's lock.
 */
final class ConsumerOperations extends KinesisOperations {

    static final int CONSUMER_LIMIT = 20;
    static final int CREATING_LIMIT = 5;

    private final ShardSubscriptions subscriptions;

    ConsumerOperations(KinesisStore store, ShardSubscriptions subscriptions) {
        super(store);
        this.subscriptions = subscriptions;
    }

    /** A consumer found by ARN or by stream and name, with its stream. */
    record Found(KinesisStream stream, StreamConsumer consumer) {
    }

    Object registerStreamConsumer(AwsCall call) {
        String streamName = nameFromArn(call.string("StreamARN"));
        String consumerName = call.string("ConsumerName");
        return store.locked(() -> {
            KinesisStream stream = existing(streamName);
            String status = store.status(stream);
            if (!"ACTIVE".equals(status) && !"UPDATING".equals(status)) {
                throw KinesisError.RESOURCE_IN_USE.exception("Stream " + streamName + " under account " + ACCOUNT
                        + " not ACTIVE, instead in state " + status);
            }
            long now = store.now();
            long delay = store.statusDelayMillis();
            if (stream.consumer(consumerName, now, delay) != null) {
                throw KinesisError.RESOURCE_IN_USE.exception("Consumer " + consumerName + " under stream " + streamName
                        + " under account " + ACCOUNT + " already exists.");
            }
            List<StreamConsumer> live = stream.liveConsumers(now, delay);
            if (live.size() >= CONSUMER_LIMIT) {
                throw KinesisError.LIMIT_EXCEEDED.exception("Stream " + streamName + " under account " + ACCOUNT
                        + " has reached the limit of " + CONSUMER_LIMIT + " registered consumers.");
            }
            long creating = live.stream().filter(c -> "CREATING".equals(c.status(now, delay))).count();
            if (creating >= CREATING_LIMIT) {
                throw KinesisError.LIMIT_EXCEEDED.exception("Stream " + streamName + " under account " + ACCOUNT
                        + " already has " + CREATING_LIMIT + " consumers in CREATING status; retry once they are ACTIVE.");
            }
            StreamConsumer consumer = new StreamConsumer(consumerName, now);
            stream.consumers.add(consumer);
            store.persist(stream);
            return Map.of("Consumer", describe(consumer, stream, call.region(), false));
        });
    }

    Object describeStreamConsumer(AwsCall call) {
        return store.locked(() -> {
            Found found = find(call);
            return Map.of("ConsumerDescription", describe(found.consumer(), found.stream(), call.region(), true));
        });
    }

    Object deregisterStreamConsumer(AwsCall call) {
        Found found = store.locked(() -> {
            Found consumer = find(call);
            if (consumer.consumer().deletedAt == null) {
                consumer.consumer().deletedAt = store.now();
                store.persist(consumer.stream());
            }
            return consumer;
        });
        subscriptions.endConsumer(found.stream().name, found.consumer());
        return NO_OUTPUT;
    }

    /** Registered consumers by creation time (then name), paged; a NextToken names the last one listed. */
    Object listStreamConsumers(AwsCall call) {
        String streamName = nameFromArn(call.string("StreamARN"));
        String token = call.string("NextToken");
        Instant streamCreated = call.timestamp("StreamCreationTimestamp");
        if (token != null && streamCreated != null) {
            throw KinesisError.INVALID_ARGUMENT.exception("NextToken and StreamCreationTimestamp cannot be provided together.");
        }
        long afterCreated = Long.MIN_VALUE;
        String afterName = "";
        if (token != null) {
            JsonNode decoded = decodeToken(token);
            if (store.now() - decoded.path("at").asLong() > NEXT_TOKEN_LIFETIME_MILLIS) {
                throw KinesisError.EXPIRED_NEXT_TOKEN.exception("The timestamp of the NextToken has expired; "
                        + "a NextToken lasts " + NEXT_TOKEN_LIFETIME_MILLIS / 1000 + " seconds.");
            }
            if (!streamName.equals(decoded.path("stream").asText())) {
                throw KinesisError.INVALID_ARGUMENT.exception("The NextToken was not issued for the stream " + streamName + ".");
            }
            afterCreated = decoded.path("created").asLong();
            afterName = decoded.path("name").asText();
        }
        int limit = call.integer("MaxResults", 100);
        long startCreated = afterCreated;
        String startName = afterName;
        return store.locked(() -> {
            KinesisStream stream = existing(streamName);
            if (streamCreated != null && streamCreated.toEpochMilli() != stream.createdAt) {
                throw KinesisError.RESOURCE_NOT_FOUND.exception("Stream " + streamName + " under account " + ACCOUNT
                        + " with creation timestamp " + streamCreated + " not found.");
            }
            List<StreamConsumer> sorted = new ArrayList<>(stream.liveConsumers(store.now(), store.statusDelayMillis()));
            sorted.sort(Comparator.comparingLong((StreamConsumer c) -> c.createdAt).thenComparing(c -> c.name));
            List<Object> consumers = new ArrayList<>();
            StreamConsumer last = null;
            boolean more = false;
            for (StreamConsumer consumer : sorted) {
                if (consumer.createdAt < startCreated
                        || consumer.createdAt == startCreated && consumer.name.compareTo(startName) <= 0) {
                    continue;
                }
                if (consumers.size() == limit) {
                    more = true;
                    break;
                }
                consumers.add(describe(consumer, stream, call.region(), false));
                last = consumer;
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("Consumers", consumers);
            if (more) {
                Map<String, Object> next = new LinkedHashMap<>();
                next.put("stream", stream.name);
                next.put("created", last.createdAt);
                next.put("name", last.name);
                next.put("at", store.now());
                answer.put("NextToken", encodeToken(next));
            }
            return answer;
        });
    }

    /**
     * Checks the consumer, shard and starting position, then answers with an event stream
     * ({@code application/vnd.amazon.eventstream}) that the subscription writes over time. Mistakes found
     * here are ordinary error answers, before the stream begins.
     */
    Object subscribeToShard(AwsCall call) {
        String shardIdText = call.string("ShardId");
        JsonNode start = call.node("StartingPosition");
        String type = start.path("Type").asText();
        String sequence = start.hasNonNull("SequenceNumber") ? start.get("SequenceNumber").asText() : null;
        Instant timestamp = start.hasNonNull("Timestamp") ? WireCodec.timestamp(start.get("Timestamp"), call.format()) : null;
        record Target(KinesisStream stream, StreamConsumer consumer, Shard shard, long position) {
        }
        Target target = store.locked(() -> {
            Found found = find(call);
            String status = found.consumer().status(store.now(), store.statusDelayMillis());
            if (!"ACTIVE".equals(status)) {
                throw KinesisError.RESOURCE_IN_USE.exception("Consumer " + call.string("ConsumerARN") + " under account "
                        + ACCOUNT + " not ACTIVE, instead in state " + status);
            }
            KinesisStream stream = readable(found.stream().name);
            Shard shard = shardOf(stream, shardIdText);
            long position = startingPosition(stream, shard, type, sequence, timestamp);
            return new Target(stream, found.consumer(), shard, position);
        });
        KinesisStream stream = target.stream();
        Shard shard = target.shard();
        ShardSubscription subscription = subscriptions.subscribe(stream, target.consumer(), shard, target.position(),
                call.format(), () -> store.locked(() -> childShards(stream, shard)));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", EventStreamEncoding.CONTENT_TYPE);
        headers.put("x-amzn-RequestId", call.requestId());
        return EngineResponse.streamed(200, headers, subscription);
    }

    /** The consumer a call names, by ConsumerARN or by StreamARN and ConsumerName. Call with the lock held. */
    Found find(AwsCall call) {
        String consumerArnText = call.string("ConsumerARN");
        String streamArn = call.string("StreamARN");
        String consumerName = call.string("ConsumerName");
        String streamName;
        Long createdSeconds = null;
        if (consumerArnText != null) {
            ConsumerArn arn = ConsumerArn.parse(consumerArnText);
            if (arn == null) {
                throw KinesisError.INVALID_ARGUMENT.exception("Invalid ConsumerARN " + consumerArnText + ".");
            }
            if (streamArn != null && !arn.streamName().equals(nameFromArn(streamArn))
                    || consumerName != null && !arn.consumerName().equals(consumerName)) {
                throw KinesisError.INVALID_ARGUMENT.exception("ConsumerARN " + consumerArnText
                        + " does not name the given stream and consumer.");
            }
            streamName = arn.streamName();
            consumerName = arn.consumerName();
            createdSeconds = arn.createdEpochSeconds();
        } else if (streamArn != null && consumerName != null) {
            streamName = nameFromArn(streamArn);
        } else {
            throw KinesisError.INVALID_ARGUMENT.exception("Either ConsumerARN or both StreamARN and ConsumerName must be provided.");
        }
        KinesisStream stream = store.find(streamName);
        StreamConsumer consumer = stream == null ? null : stream.consumer(consumerName, store.now(), store.statusDelayMillis());
        if (consumer == null || createdSeconds != null && consumer.createdEpochSeconds() != createdSeconds) {
            String named = consumerArnText != null ? consumerArnText : consumerName;
            throw KinesisError.RESOURCE_NOT_FOUND.exception("Consumer " + named + " under stream " + streamName
                    + " under account " + ACCOUNT + " not found.");
        }
        return new Found(stream, consumer);
    }

    private Map<String, Object> describe(StreamConsumer consumer, KinesisStream stream, String region, boolean withStream) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("ConsumerName", consumer.name);
        description.put("ConsumerARN", consumer.arn(region, stream.name));
        description.put("ConsumerStatus", consumer.status(store.now(), store.statusDelayMillis()));
        description.put("ConsumerCreationTimestamp", Instant.ofEpochMilli(consumer.createdAt));
        if (withStream) {
            description.put("StreamARN", arn(region, stream.name));
        }
        return description;
    }
}
