package memberstream.engine.kinesis;

import java.nio.file.Path;
import java.time.Clock;
import memberstream.engine.EngineContext;
import memberstream.engine.EngineProperties;
import memberstream.engine.protocol.AwsJsonService;
import memberstream.engine.storage.SegmentLog;

/**
 * The local Kinesis Data Streams: the route-facing dispatcher. Each action is checked first against
 * its table in {@link KinesisRules}, then handled by its class ({@link StreamOperations},
 * {@link StreamSettingsOperations}, {@link RecordOperations}, {@link ReshardOperations},
 * {@link ConsumerOperations} with its {@link ShardSubscriptions}); state and
 * durability live in {@link KinesisStore}. Accepts
 * {@code X-Amz-Target: Kinesis_20131202.*}. Thread-safe (see the store for the locking).
 * Streams are kept per engine, not per region; ARNs carry the region the request was signed for.
 */
public final class KinesisService extends AwsJsonService implements AutoCloseable {

    public static final String TARGET_PREFIX = "Kinesis_20131202.";
    /** {@link AwsJsonService#NO_OUTPUT}, for the action classes of this package. */
    static final Object EMPTY_ANSWER = NO_OUTPUT;

    private final KinesisStore store;
    private final ShardSubscriptions subscriptions;

    public KinesisService(EngineContext context) {
        this(context.directory("kinesis"), context.properties(), context.clock(), SegmentLog.DEFAULT_SEGMENT_BYTES);
    }

    public KinesisService(Path directory, EngineProperties properties, Clock clock, long segmentBytes) {
        super(TARGET_PREFIX, "us-east-1");
        this.store = new KinesisStore(directory, properties.fsync(), clock, properties.statusDelay(),
                properties.throughputLimits(), segmentBytes);
        StreamOperations streams = new StreamOperations(store);
        StreamSettingsOperations settings = new StreamSettingsOperations(store);
        RecordOperations records = new RecordOperations(store);
        ReshardOperations resharding = new ReshardOperations(store);
        this.subscriptions = new ShardSubscriptions(store, codec());
        ConsumerOperations consumers = new ConsumerOperations(store, subscriptions);
        register("CreateStream", KinesisRules.CREATE_STREAM, streams::createStream);
        register("DeleteStream", KinesisRules.DELETE_STREAM, streams::deleteStream);
        register("DescribeStream", KinesisRules.DESCRIBE_STREAM, streams::describeStream);
        register("DescribeStreamSummary", KinesisRules.DESCRIBE_STREAM_SUMMARY, streams::describeStreamSummary);
        register("ListStreams", KinesisRules.LIST_STREAMS, streams::listStreams);
        register("ListShards", KinesisRules.LIST_SHARDS, streams::listShards);
        register("PutRecord", KinesisRules.PUT_RECORD, records::putRecord);
        register("PutRecords", KinesisRules.PUT_RECORDS, records::putRecords);
        registerFastPath("PutRecords", new PutRecordsFastPath(codec(), records::store));
        register("GetShardIterator", KinesisRules.GET_SHARD_ITERATOR, records::getShardIterator);
        register("GetRecords", KinesisRules.GET_RECORDS, records::getRecords);
        register("IncreaseStreamRetentionPeriod", KinesisRules.RETENTION, settings::increaseRetention);
        register("DecreaseStreamRetentionPeriod", KinesisRules.RETENTION, settings::decreaseRetention);
        register("AddTagsToStream", KinesisRules.ADD_TAGS, settings::addTags);
        register("RemoveTagsFromStream", KinesisRules.REMOVE_TAGS, settings::removeTags);
        register("ListTagsForStream", KinesisRules.LIST_TAGS, settings::listTags);
        register("TagResource", KinesisRules.TAG_RESOURCE, settings::tagResource);
        register("UntagResource", KinesisRules.UNTAG_RESOURCE, settings::untagResource);
        register("ListTagsForResource", KinesisRules.LIST_TAGS_FOR_RESOURCE, settings::listTagsForResource);
        register("SplitShard", KinesisRules.SPLIT_SHARD, resharding::splitShard);
        register("MergeShards", KinesisRules.MERGE_SHARDS, resharding::mergeShards);
        register("UpdateShardCount", KinesisRules.UPDATE_SHARD_COUNT, resharding::updateShardCount);
        register("UpdateStreamMode", KinesisRules.UPDATE_STREAM_MODE, settings::updateStreamMode);
        register("DescribeLimits", KinesisRules.DESCRIBE_LIMITS, streams::describeLimits);
        register("StartStreamEncryption", KinesisRules.START_ENCRYPTION, settings::startEncryption);
        register("StopStreamEncryption", KinesisRules.STOP_ENCRYPTION, settings::stopEncryption);
        register("RegisterStreamConsumer", KinesisRules.REGISTER_STREAM_CONSUMER, consumers::registerStreamConsumer);
        register("DescribeStreamConsumer", KinesisRules.DESCRIBE_STREAM_CONSUMER, consumers::describeStreamConsumer);
        register("ListStreamConsumers", KinesisRules.LIST_STREAM_CONSUMERS, consumers::listStreamConsumers);
        register("DeregisterStreamConsumer", KinesisRules.DEREGISTER_STREAM_CONSUMER, consumers::deregisterStreamConsumer);
        register("SubscribeToShard", KinesisRules.SUBSCRIBE_TO_SHARD, consumers::subscribeToShard);
        register(SubscriptionListing.OPERATION, SubscriptionListing.RULES,
                new SubscriptionListing(store, subscriptions)::listShardSubscriptions);
    }

    /** Deletes record segments past retention now (also runs every ten seconds on its own). */
    public void enforceRetention() {
        store.enforceRetention();
    }

    /** The fan-out subscriptions, for tests and the benchmark. */
    ShardSubscriptions subscriptions() {
        return subscriptions;
    }

    @Override
    public void close() {
        subscriptions.close();
        store.close();
    }

}
