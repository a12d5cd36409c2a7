package memberstream.engine.firehose;

import static memberstream.engine.protocol.FieldRule.blob;
import static memberstream.engine.protocol.FieldRule.bool;
import static memberstream.engine.protocol.FieldRule.integer;
import static memberstream.engine.protocol.FieldRule.list;
import static memberstream.engine.protocol.FieldRule.string;
import static memberstream.engine.protocol.FieldRule.structure;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.AwsCall;
import memberstream.engine.protocol.Arn;
import memberstream.engine.protocol.AwsJsonService;
import memberstream.engine.protocol.TextPattern;
import memberstream.engine.protocol.FieldRule;
import memberstream.engine.protocol.WireCodec;
import memberstream.engine.protocol.WithHeaders;

/**
 * Firehose's JSON 1.1 API ({@code X-Amz-Target: Firehose_20150804.<Operation>}) on the engine's port:
 * the model's constraints per operation (checked by the shared validator, worded as AWS words them),
 * then {@link FirehoseService}. Read-only after construction; thread-safe.
 *
 * <p>Engine extension: DescribeDeliveryStream also answers what the stream has buffered, in
 * {@code x-memberstream-buffered-*} headers (see {@link #bufferHeaders}). AWS's API has no such field;
 * SDK clients ignore the headers, and a caller that wants them reads the raw response.
 */
public final class FirehoseRoute extends AwsJsonService {

    static final int MAX_BATCH_RECORDS = 500;
    static final int MAX_RECORD_BYTES = 1_024_000;
    static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;

    static final String BUFFER_HEADER_PREFIX = "x-memberstream-buffered-";

    private static final String NAME_PATTERN = "[a-zA-Z0-9_.-]+";
    // ARNs are read by their parts (Arn), never matched by a regular expression that can backtrack.
    private static final TextPattern ROLE_ARN_PATTERN = TextPattern.of(
            "arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+", text -> {
                Arn arn = Arn.parse(text);
                return arn != null && arn.service().equals("iam") && arn.region().isEmpty() && Arn.digits(arn.account(), 12)
                        && arn.resource().startsWith("role/") && Arn.wordChars(arn.resource().substring(5), "_+=,.@-/");
            });
    private static final TextPattern BUCKET_ARN_PATTERN = TextPattern.of("arn:.*:s3:::[\\w\\.\\-]{1,255}", text -> {
        Arn arn = Arn.parse(text);
        return arn != null && arn.service().equals("s3") && arn.region().isEmpty() && arn.account().isEmpty()
                && arn.resource().length() <= 255 && Arn.wordChars(arn.resource(), "_.-");
    });
    private static final TextPattern KINESIS_ARN_PATTERN = TextPattern.of(
            "arn:.*:kinesis:[a-zA-Z0-9\\-]+:\\d{12}:stream/[a-zA-Z0-9_.-]+", text -> {
                Arn arn = Arn.parse(text);
                return arn != null && arn.service().equals("kinesis") && Arn.wordChars(arn.region(), "-")
                        && Arn.digits(arn.account(), 12) && arn.resource().startsWith("stream/")
                        && Arn.wordChars(arn.resource().substring(7), "_.-");
            });

    /** Tag keys and values as the model has them: no {@code aws:} key prefix, no tab, newline, {@code ;} or {@code ,}. */
    private static final String TAG_KEY_PATTERN = "^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$";
    private static final String TAG_VALUE_PATTERN = "^[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$";

    private final FirehoseService firehose;

    public FirehoseRoute(FirehoseService firehose) {
        super("Firehose_20150804.", "us-east-1");
        this.firehose = firehose;
        register("CreateDeliveryStream", List.of(name(), string("DeliveryStreamType")
                        .oneOf("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource"),
                structure("KinesisStreamSourceConfiguration",
                        string("KinesisStreamARN").required().length(1, 512).pattern(KINESIS_ARN_PATTERN),
                        string("RoleARN").required().length(1, 512).pattern(ROLE_ARN_PATTERN)),
                destination("S3DestinationConfiguration", true),
                destination("ExtendedS3DestinationConfiguration", true),
                tagList("Tags").length(1, 50)), this::create);
        register("DescribeDeliveryStream", List.of(name(), integer("Limit").range(1, 10000),
                string("ExclusiveStartDestinationId").length(1, 100)), this::describe);
        register("ListDeliveryStreams", List.of(integer("Limit").range(1, 10000),
                string("DeliveryStreamType").oneOf("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource"),
                string("ExclusiveStartDeliveryStreamName").length(1, 64).pattern(NAME_PATTERN)), this::listDeliveryStreams);
        register("DeleteDeliveryStream", List.of(name(), bool("AllowForceDelete")), call -> {
            firehose.delete(call.body().path("DeliveryStreamName").asText());
            return Map.of();
        });
        register("PutRecord", List.of(name(), structure("Record", data()).required()), this::putRecord);
        register("PutRecordBatch", List.of(name(),
                list("Records", structure("member", data())).required().length(1, MAX_BATCH_RECORDS)), this::putRecordBatch);
        register("UpdateDestination", List.of(name(),
                string("CurrentDeliveryStreamVersionId").required().length(1, 50).pattern("[0-9]+"),
                string("DestinationId").required().length(1, 100),
                destination("S3DestinationUpdate", false),
                destination("ExtendedS3DestinationUpdate", false)), this::updateDestination);
        register("TagDeliveryStream", List.of(name(), tagList("Tags").required().length(1, 50)), call -> {
            Map<String, String> tags = new LinkedHashMap<>();
            call.body().path("Tags").forEach(tag -> tags.put(tag.path("Key").asText(), tag.path("Value").asText("")));
            firehose.tag(call.body().path("DeliveryStreamName").asText(), tags);
            return Map.of();
        });
        register("UntagDeliveryStream", List.of(name(),
                list("TagKeys", string("member").length(1, 128).pattern(TAG_KEY_PATTERN)).required().length(1, 50)), call -> {
            List<String> keys = new ArrayList<>();
            call.body().path("TagKeys").forEach(key -> keys.add(key.asText()));
            firehose.untag(call.body().path("DeliveryStreamName").asText(), keys);
            return Map.of();
        });
        register("ListTagsForDeliveryStream", List.of(name(), string("ExclusiveStartTagKey").length(1, 128),
                integer("Limit").range(1, 50)), this::listTags);
        register("StartDeliveryStreamEncryption", List.of(name(), structure("DeliveryStreamEncryptionConfigurationInput",
                string("KeyARN").length(1, 512), string("KeyType").required().oneOf("AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK"))),
                call -> {
                    firehose.encryption(call.body().path("DeliveryStreamName").asText(), true);
                    return Map.of();
                });
        register("StopDeliveryStreamEncryption", List.of(name()), call -> {
            firehose.encryption(call.body().path("DeliveryStreamName").asText(), false);
            return Map.of();
        });
    }

    // ---- field rules (from the firehose 2015-08-04 model)

    private static FieldRule name() {
        return string("DeliveryStreamName").required().length(1, 64).pattern(NAME_PATTERN);
    }

    private static FieldRule data() {
        return blob("Data").required().length(0, MAX_RECORD_BYTES);
    }

    private static FieldRule tagList(String name) {
        return list(name, structure("member", string("Key").required().length(1, 128).pattern(TAG_KEY_PATTERN),
                string("Value").length(0, 256).pattern(TAG_VALUE_PATTERN)));
    }

    /** S3 and extended S3 destination configurations and updates share their members' constraints. */
    private static FieldRule destination(String name, boolean creation) {
        FieldRule role = string("RoleARN").length(1, 512).pattern(ROLE_ARN_PATTERN);
        FieldRule bucket = string("BucketARN").length(1, 2048).pattern(BUCKET_ARN_PATTERN);
        return structure(name,
                creation ? role.required() : role,
                creation ? bucket.required() : bucket,
                string("Prefix").length(0, 1024),
                string("ErrorOutputPrefix").length(0, 1024),
                structure("BufferingHints", integer("SizeInMBs").range(1, 128), integer("IntervalInSeconds").range(0, 900)),
                string("CompressionFormat").oneOf("UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"),
                structure("ProcessingConfiguration", bool("Enabled"), list("Processors", structure("member",
                        string("Type").required().oneOf("RecordDeAggregation", "Decompression", "CloudWatchLogProcessing",
                                "Lambda", "MetadataExtraction", "AppendDelimiterToRecord"),
                        list("Parameters", structure("member",
                                string("ParameterName").required(),
                                string("ParameterValue").required().length(1, 5120)))))),
                structure("DynamicPartitioningConfiguration", bool("Enabled"),
                        structure("RetryOptions", integer("DurationInSeconds").range(0, 7200))),
                string("S3BackupMode").oneOf("Disabled", "Enabled"),
                string("FileExtension").length(0, 128).pattern("^$|\\.[0-9a-z!\\-_.*'()]+"),
                string("CustomTimeZone").length(0, 50));
    }

    // ---- operations

    private Object create(AwsCall call) {
        JsonNode body = call.body();
        List<String> destinations = new ArrayList<>();
        body.fieldNames().forEachRemaining(field -> {
            if (field.endsWith("DestinationConfiguration") && !body.get(field).isNull()) {
                destinations.add(field);
            }
        });
        if (destinations.isEmpty()) {
            throw FirehoseError.INVALID_ARGUMENT.exception("Exactly one destination configuration must be specified.");
        }
        if (destinations.size() > 1) {
            throw FirehoseError.INVALID_ARGUMENT.exception("Only one destination configuration can be specified; got "
                    + String.join(", ", destinations) + ".");
        }
        String destinationField = destinations.get(0);
        if (!destinationField.equals("S3DestinationConfiguration") && !destinationField.equals("ExtendedS3DestinationConfiguration")) {
            throw FirehoseError.INVALID_ARGUMENT.exception(destinationField + " is not supported by the local engine; use "
                    + "S3DestinationConfiguration or ExtendedS3DestinationConfiguration.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        body.path("Tags").forEach(tag -> tags.put(tag.path("Key").asText(), tag.path("Value").asText("")));
        String arn = firehose.create(body.path("DeliveryStreamName").asText(),
                body.path("DeliveryStreamType").asText("DirectPut"), body.get("KinesisStreamSourceConfiguration"),
                body.get(destinationField), destinationField.startsWith("Extended"), tags, call.region());
        return Map.of("DeliveryStreamARN", arn);
    }

    private Object describe(AwsCall call) {
        String name = call.body().path("DeliveryStreamName").asText();
        Map<String, Object> answer = Map.of("DeliveryStreamDescription", firehose.describe(name));
        return new WithHeaders(answer, bufferHeaders(firehose.buffered(name), firehose.now()));
    }

    /**
     * The buffer extension's headers: records and bytes held and not yet in S3 (bytes as the buffer
     * counts them, before compression, after record processors), open buffers (one per partition with
     * dynamic partitioning), records waiting for a retry after a failed delivery, the oldest held record's
     * arrival, milliseconds until the soonest open buffer's interval flush, and the engine's time of the
     * answer. The last three are absent when there is nothing to time.
     */
    static Map<String, String> bufferHeaders(DeliveryStream.BufferSnapshot buffered, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(BUFFER_HEADER_PREFIX + "records", Long.toString(buffered.records()));
        headers.put(BUFFER_HEADER_PREFIX + "bytes", Long.toString(buffered.bytes()));
        headers.put(BUFFER_HEADER_PREFIX + "partitions", Integer.toString(buffered.openBuffers()));
        headers.put(BUFFER_HEADER_PREFIX + "retrying-records", Long.toString(buffered.retryingRecords()));
        if (buffered.oldestArrivalMillis() != null) {
            headers.put(BUFFER_HEADER_PREFIX + "oldest-arrival", Instant.ofEpochMilli(buffered.oldestArrivalMillis()).toString());
        }
        if (buffered.millisUntilIntervalFlush() != null) {
            headers.put(BUFFER_HEADER_PREFIX + "interval-flush-in-ms", Long.toString(buffered.millisUntilIntervalFlush()));
        }
        headers.put(BUFFER_HEADER_PREFIX + "at", now.toString());
        return headers;
    }

    private Object listDeliveryStreams(AwsCall call) {
        JsonNode body = call.body();
        int limit = body.path("Limit").asInt(10);
        String type = body.hasNonNull("DeliveryStreamType") ? body.get("DeliveryStreamType").asText() : null;
        String start = body.hasNonNull("ExclusiveStartDeliveryStreamName") ? body.get("ExclusiveStartDeliveryStreamName").asText() : null;
        List<String> names = firehose.names(type, start);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("DeliveryStreamNames", names.subList(0, Math.min(limit, names.size())));
        answer.put("HasMoreDeliveryStreams", names.size() > limit);
        return answer;
    }

    private Object putRecord(AwsCall call) {
        byte[] data = WireCodec.blob(call.body().path("Record").path("Data"));
        String name = call.body().path("DeliveryStreamName").asText();
        String id = firehose.put(name, List.of(data)).get(0);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("RecordId", id);
        answer.put("Encrypted", firehose.encrypted(name));
        return answer;
    }

    private Object putRecordBatch(AwsCall call) {
        JsonNode records = call.body().path("Records");
        List<byte[]> data = new ArrayList<>(records.size());
        long total = 0;
        for (JsonNode record : records) {
            byte[] bytes = WireCodec.blob(record.path("Data"));
            total += bytes.length;
            data.add(bytes);
        }
        if (total > MAX_BATCH_BYTES) {
            // UNCONFIRMED: the error AWS gives for a batch over 4 MiB; Kinesis answers the same way for 5 MiB.
            throw FirehoseError.INVALID_ARGUMENT.exception("Records size exceeds 4 MiB limit");
        }
        String name = call.body().path("DeliveryStreamName").asText();
        List<String> ids = firehose.put(name, data);
        List<Map<String, Object>> responses = new ArrayList<>(ids.size());
        for (String id : ids) {
            responses.add(Map.of("RecordId", id));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("FailedPutCount", 0);
        answer.put("Encrypted", firehose.encrypted(name));
        answer.put("RequestResponses", responses);
        return answer;
    }

    private Object updateDestination(AwsCall call) {
        JsonNode body = call.body();
        JsonNode update = body.hasNonNull("ExtendedS3DestinationUpdate") ? body.get("ExtendedS3DestinationUpdate")
                : body.get("S3DestinationUpdate");
        if (update == null || update.isNull()) {
            throw FirehoseError.INVALID_ARGUMENT.exception("An S3DestinationUpdate or ExtendedS3DestinationUpdate is "
                    + "required; the local engine supports S3 destinations only.");
        }
        firehose.updateDestination(body.path("DeliveryStreamName").asText(),
                body.path("CurrentDeliveryStreamVersionId").asText(), body.path("DestinationId").asText(), update);
        return Map.of();
    }

    private Object listTags(AwsCall call) {
        JsonNode body = call.body();
        int limit = body.path("Limit").asInt(50);
        String start = body.hasNonNull("ExclusiveStartTagKey") ? body.get("ExclusiveStartTagKey").asText() : null;
        List<Map<String, Object>> tags = new ArrayList<>();
        boolean more = false;
        for (Map.Entry<String, String> tag : firehose.tags(body.path("DeliveryStreamName").asText()).entrySet()) {
            if (start != null && tag.getKey().compareTo(start) <= 0) {
                continue;
            }
            if (tags.size() == limit) {
                more = true;
                break;
            }
            tags.add(Map.of("Key", tag.getKey(), "Value", tag.getValue()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Tags", tags);
        answer.put("HasMoreTags", more);
        return answer;
    }
}
