package memberstream.engine.kinesis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.AwsCall;
import memberstream.engine.protocol.FieldRule;

/**
 * {@code ListShardSubscriptions}, an engine-only, read-only extension of the Kinesis API (AWS has no call
 * that lists SubscribeToShard subscriptions): {@code X-Amz-Target: Kinesis_20131202.ListShardSubscriptions}
 * with {@code {"StreamARN": ...}} answers the stream's open subscriptions as
 * {@code {"Subscriptions": [{"ConsumerName", "ConsumerARN", "ShardId", "StartedAt", "ContinuationSequenceNumber",
 * "MillisBehindLatest"}]}}, sorted by consumer and shard. {@code ContinuationSequenceNumber} is the number
 * just before the next record the subscription will send; {@code MillisBehindLatest} is what its last
 * event said (absent before the first). Signed and checked like every other call; the stream console's
 * explorer uses it. Thread-safe: it only reads the subscription registry.
 */
final class SubscriptionListing {

    static final String OPERATION = "ListShardSubscriptions";
    static final List<FieldRule> RULES = List.of(KinesisRules.STREAM_ARN.required());

    private final KinesisStore store;
    private final ShardSubscriptions subscriptions;

    SubscriptionListing(KinesisStore store, ShardSubscriptions subscriptions) {
        this.store = store;
        this.subscriptions = subscriptions;
    }

    Object listShardSubscriptions(AwsCall call) {
        String streamName = KinesisOperations.nameFromArn(call.string("StreamARN"));
        KinesisStream stream = store.locked(() -> {
            KinesisStream found = store.find(streamName);
            if (found == null || found.deletedAt != null) {
                throw KinesisError.RESOURCE_NOT_FOUND.exception("Stream " + streamName + " under account "
                        + KinesisStore.ACCOUNT + " not found.");
            }
            return found;
        });
        List<ShardSubscription> open = new ArrayList<>(subscriptions.open());
        open.removeIf(s -> s.stream() != stream);
        open.sort(Comparator.comparing((ShardSubscription s) -> s.consumer().name).thenComparing(s -> s.shard().shardId));
        List<Object> rows = new ArrayList<>();
        for (ShardSubscription subscription : open) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("ConsumerName", subscription.consumer().name);
            row.put("ConsumerARN", subscription.consumer().arn(call.region(), stream.name));
            row.put("ShardId", subscription.shard().shardId);
            row.put("StartedAt", Instant.ofEpochMilli(subscription.startedAt()));
            row.put("ContinuationSequenceNumber",
                    new SequenceNumber(subscription.position() - 1, subscription.shard().uid).format());
            long behind = subscription.millisBehindLatest();
            if (behind >= 0) {
                row.put("MillisBehindLatest", behind);
            }
            rows.add(row);
        }
        return Map.of("Subscriptions", rows);
    }
}
