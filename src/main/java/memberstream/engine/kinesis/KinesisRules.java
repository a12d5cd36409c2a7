package memberstream.engine.kinesis;

import static memberstream.engine.protocol.FieldRule.blob;
import static memberstream.engine.protocol.FieldRule.bool;
import static memberstream.engine.protocol.FieldRule.integer;
import static memberstream.engine.protocol.FieldRule.list;
import static memberstream.engine.protocol.FieldRule.map;
import static memberstream.engine.protocol.FieldRule.string;
import static memberstream.engine.protocol.FieldRule.structure;
import static memberstream.engine.protocol.FieldRule.timestamp;

import java.util.List;
import memberstream.engine.protocol.Arn;
import memberstream.engine.protocol.FieldRule;
import memberstream.engine.protocol.TextPattern;

/**
 * The validation table of each Kinesis action: members, types and constraints as the API model
 * (kinesis 2013-12-02) states them. Checked before an action runs; failures read as AWS's.
 */
final class KinesisRules {

    private KinesisRules() {
    }

    static final FieldRule STREAM_NAME = string("StreamName").length(1, 128).pattern("[a-zA-Z0-9_.-]+");
    static final FieldRule STREAM_ARN = string("StreamARN").length(1, 2048)
            .pattern(TextPattern.of("arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+", KinesisRules::streamArn));
    static final String SHARD_ID_PATTERN = "[a-zA-Z0-9_.-]+";
    static final String HASH_KEY_PATTERN = "0|([1-9]\\d{0,38})";
    static final java.util.regex.Pattern EXPLICIT_HASH_KEY = java.util.regex.Pattern.compile(HASH_KEY_PATTERN);
    static final String SEQUENCE_NUMBER_PATTERN = "0|([1-9]\\d{0,128})";
    static final FieldRule STREAM_MODE_DETAILS = structure("StreamModeDetails",
            string("StreamMode").required().oneOf("PROVISIONED", "ON_DEMAND"));

    static final List<FieldRule> CREATE_STREAM = List.of(
            STREAM_NAME.required(),
            integer("ShardCount").range(1, 100000),
            STREAM_MODE_DETAILS,
            map("Tags", string("TagKey").length(1, 128), string("TagValue").length(0, 256)).length(1, 200),
            integer("MaxRecordSizeInKiB").range(1024, 10240));

    static final List<FieldRule> DELETE_STREAM = List.of(STREAM_NAME, STREAM_ARN, bool("EnforceConsumerDeletion"));

    static final List<FieldRule> DESCRIBE_STREAM = List.of(STREAM_NAME, STREAM_ARN,
            integer("Limit").range(1, 10000),
            string("ExclusiveStartShardId").length(1, 128).pattern(SHARD_ID_PATTERN));

    static final List<FieldRule> DESCRIBE_STREAM_SUMMARY = List.of(STREAM_NAME, STREAM_ARN);

    static final List<FieldRule> LIST_STREAMS = List.of(
            integer("Limit").range(1, 10000),
            STREAM_NAME.withName("ExclusiveStartStreamName"),
            string("NextToken").length(1, 1048576));

    static final List<FieldRule> LIST_SHARDS = List.of(STREAM_NAME, STREAM_ARN,
            string("NextToken").length(1, 1048576),
            string("ExclusiveStartShardId").length(1, 128).pattern(SHARD_ID_PATTERN),
            integer("MaxResults").range(1, 10000),
            timestamp("StreamCreationTimestamp"),
            structure("ShardFilter",
                    string("Type").required().oneOf("AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON",
                            "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP"),
                    string("ShardId").length(1, 128).pattern(SHARD_ID_PATTERN),
                    timestamp("Timestamp")));

    static final List<FieldRule> PUT_RECORD = List.of(STREAM_NAME, STREAM_ARN,
            blob("Data").required().length(0, 1048576),
            string("PartitionKey").required().length(1, 256),
            string("ExplicitHashKey").pattern(HASH_KEY_PATTERN),
            string("SequenceNumberForOrdering").pattern(SEQUENCE_NUMBER_PATTERN));

    static final List<FieldRule> PUT_RECORDS = List.of(STREAM_NAME, STREAM_ARN,
            list("Records", structure("member",
                    blob("Data").required().length(0, 1048576),
                    string("ExplicitHashKey").pattern(HASH_KEY_PATTERN),
                    string("PartitionKey").required().length(1, 256))).required().length(1, 500));

    static final List<FieldRule> GET_SHARD_ITERATOR = List.of(STREAM_NAME, STREAM_ARN,
            string("ShardId").required().length(1, 128).pattern(SHARD_ID_PATTERN),
            string("ShardIteratorType").required().oneOf("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER",
                    "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"),
            string("StartingSequenceNumber").pattern(SEQUENCE_NUMBER_PATTERN),
            timestamp("Timestamp"));

    static final List<FieldRule> GET_RECORDS = List.of(
            string("ShardIterator").required().length(1, 512),
            integer("Limit").range(1, 10000),
            STREAM_ARN);

    static final List<FieldRule> RETENTION = List.of(STREAM_NAME, STREAM_ARN,
            integer("RetentionPeriodHours").required().range(1, 8760));

    static final List<FieldRule> ADD_TAGS = List.of(STREAM_NAME, STREAM_ARN,
            map("Tags", string("TagKey").length(1, 128), string("TagValue").length(0, 256)).required().length(1, 200));

    static final List<FieldRule> REMOVE_TAGS = List.of(STREAM_NAME, STREAM_ARN,
            list("TagKeys", string("TagKey").length(1, 128)).required().length(1, 50));

    static final List<FieldRule> LIST_TAGS = List.of(STREAM_NAME, STREAM_ARN,
            string("ExclusiveStartTagKey").length(1, 128),
            integer("Limit").range(1, 50));

    static final List<FieldRule> SPLIT_SHARD = List.of(STREAM_NAME, STREAM_ARN,
            string("ShardToSplit").required().length(1, 128).pattern(SHARD_ID_PATTERN),
            string("NewStartingHashKey").required().pattern(HASH_KEY_PATTERN));

    static final List<FieldRule> MERGE_SHARDS = List.of(STREAM_NAME, STREAM_ARN,
            string("ShardToMerge").required().length(1, 128).pattern(SHARD_ID_PATTERN),
            string("AdjacentShardToMerge").required().length(1, 128).pattern(SHARD_ID_PATTERN));

    static final List<FieldRule> UPDATE_SHARD_COUNT = List.of(STREAM_NAME, STREAM_ARN,
            integer("TargetShardCount").required().range(1, 100000),
            string("ScalingType").required().oneOf("UNIFORM_SCALING"));

    static final List<FieldRule> UPDATE_STREAM_MODE = List.of(STREAM_ARN.required(),
            STREAM_MODE_DETAILS.required());

    static final List<FieldRule> DESCRIBE_LIMITS = List.of();

    static final List<FieldRule> START_ENCRYPTION = List.of(STREAM_NAME, STREAM_ARN,
            string("EncryptionType").required().oneOf("NONE", "KMS"),
            string("KeyId").required().length(1, 2048));

    static final List<FieldRule> STOP_ENCRYPTION = START_ENCRYPTION;

    /** Length only: the service reads the ARN by its parts (the model's pattern would backtrack on long input). */
    static final FieldRule RESOURCE_ARN = string("ResourceARN").required().length(1, 2048);

    static final List<FieldRule> TAG_RESOURCE = List.of(RESOURCE_ARN,
            map("Tags", string("TagKey").length(1, 128), string("TagValue").length(0, 256)).required().length(1, 200));

    static final List<FieldRule> UNTAG_RESOURCE = List.of(RESOURCE_ARN,
            list("TagKeys", string("TagKey").length(1, 128)).required().length(1, 50));

    static final List<FieldRule> LIST_TAGS_FOR_RESOURCE = List.of(RESOURCE_ARN);

    static final FieldRule CONSUMER_NAME = string("ConsumerName").length(1, 128).pattern("[a-zA-Z0-9_.-]+");
    static final FieldRule CONSUMER_ARN = string("ConsumerARN").length(1, 2048)
            .pattern(TextPattern.of("arn:aws.*:kinesis:.*:\\d{12}:.*stream/[a-zA-Z0-9_.-]+/consumer/[a-zA-Z0-9_.-]+:[0-9]+",
                    text -> ConsumerArn.parse(text) != null));

    static final List<FieldRule> REGISTER_STREAM_CONSUMER = List.of(STREAM_ARN.required(), CONSUMER_NAME.required(),
            map("Tags", string("TagKey").length(1, 128), string("TagValue").length(0, 256)).length(1, 50));

    static final List<FieldRule> DESCRIBE_STREAM_CONSUMER = List.of(STREAM_ARN, CONSUMER_NAME, CONSUMER_ARN);

    static final List<FieldRule> DEREGISTER_STREAM_CONSUMER = DESCRIBE_STREAM_CONSUMER;

    static final List<FieldRule> LIST_STREAM_CONSUMERS = List.of(STREAM_ARN.required(),
            string("NextToken").length(1, 1048576),
            integer("MaxResults").range(1, 10000),
            timestamp("StreamCreationTimestamp"));

    static final List<FieldRule> SUBSCRIBE_TO_SHARD = List.of(CONSUMER_ARN.required(),
            string("ShardId").required().length(1, 128).pattern(SHARD_ID_PATTERN),
            structure("StartingPosition",
                    string("Type").required().oneOf("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON",
                            "LATEST", "AT_TIMESTAMP"),
                    string("SequenceNumber").pattern(SEQUENCE_NUMBER_PATTERN),
                    timestamp("Timestamp")).required());

    /** {@code arn:aws.*:kinesis:.*:\d{12}:stream/\S+}, read by parts. */
    static boolean streamArn(String text) {
        Arn arn = Arn.parse(text);
        return arn != null && arn.partition().startsWith("aws") && arn.service().equals("kinesis")
                && Arn.digits(arn.account(), 12) && arn.resource().startsWith("stream/")
                && Arn.noWhitespace(arn.resource().substring("stream/".length()));
    }
}
