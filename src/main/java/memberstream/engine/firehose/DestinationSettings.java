package memberstream.engine.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;

/**
 * One S3 destination, read and checked from an {@code S3DestinationConfiguration} or
 * {@code ExtendedS3DestinationConfiguration}: where objects go, how they are buffered, compressed,
 * named and processed. {@link #config()} keeps the configuration with Firehose's defaults filled in,
 * which is what DescribeDeliveryStream shows and what is persisted. Immutable.
 */
record DestinationSettings(ObjectNode config, String bucket, long bufferSizeBytes, int bufferIntervalSeconds,
                           Compression compression, String extension, ZoneId zone, boolean dynamicPartitioning,
                           RecordProcessing processing, ObjectKeys keys) {

    static final int DEFAULT_SIZE_MB = 5;
    static final int DEFAULT_INTERVAL_SECONDS = 300;
    static final int MIN_DYNAMIC_PARTITIONING_SIZE_MB = 64;

    /**
     * Checks what the model's field rules cannot: Firehose's rules across members (prefixes, dynamic
     * partitioning, processors); a broken one is an InvalidArgumentException.
     */
    static DestinationSettings from(JsonNode input) {
        ObjectNode config = input.deepCopy();
        String bucketArn = text(config, "BucketARN");
        JsonNode hints = config.path("BufferingHints");
        Integer size = hints.hasNonNull("SizeInMBs") ? hints.get("SizeInMBs").asInt() : null;
        Integer interval = hints.hasNonNull("IntervalInSeconds") ? hints.get("IntervalInSeconds").asInt() : null;
        String compressionName = text(config, "CompressionFormat");
        String fileExtension = text(config, "FileExtension");
        String timeZone = text(config, "CustomTimeZone");
        if (bucketArn == null || !bucketArn.contains(":::")) {
            throw FirehoseError.INVALID_ARGUMENT.exception("BucketARN must be an S3 bucket ARN (arn:aws:s3:::<bucket>).");
        }

        boolean dynamicPartitioning = config.path("DynamicPartitioningConfiguration").path("Enabled").asBoolean(false);
        int sizeMb = size == null ? (dynamicPartitioning ? MIN_DYNAMIC_PARTITIONING_SIZE_MB : DEFAULT_SIZE_MB) : size;
        int intervalSeconds = interval == null ? DEFAULT_INTERVAL_SECONDS : interval;
        if (dynamicPartitioning && sizeMb < MIN_DYNAMIC_PARTITIONING_SIZE_MB) {
            throw FirehoseError.INVALID_ARGUMENT.exception("BufferingHints.SizeInMBs must be at least 64 when Dynamic "
                    + "Partitioning is enabled.");
        }
        if (config.path("DataFormatConversionConfiguration").path("Enabled").asBoolean(false)) {
            throw FirehoseError.INVALID_ARGUMENT.exception("Data format conversion is not supported by the local engine.");
        }
        if ("Enabled".equals(text(config, "S3BackupMode"))) {
            throw FirehoseError.INVALID_ARGUMENT.exception("S3 backup is not supported by the local engine.");
        }
        ZoneId zone = ZoneOffset.UTC;
        if (timeZone != null && !timeZone.isEmpty()) {
            try {
                zone = ZoneId.of(timeZone);
            } catch (DateTimeException e) {
                throw FirehoseError.INVALID_ARGUMENT.exception("Invalid CustomTimeZone " + timeZone + ".");
            }
        }
        RecordProcessing processing = RecordProcessing.from(config.get("ProcessingConfiguration"), dynamicPartitioning);
        ObjectKeys keys = ObjectKeys.of(text(config, "Prefix"), text(config, "ErrorOutputPrefix"), dynamicPartitioning);
        if (dynamicPartitioning && !processing.extractsMetadata()
                && keys.prefix().has(PrefixTemplate.PartitionKey.class)) {
            throw FirehoseError.INVALID_ARGUMENT.exception("Dynamic partitioning with partitionKeyFromQuery needs a "
                    + "MetadataExtraction processor in the ProcessingConfiguration.");
        }
        if (keys.prefix().hasLambdaPartitionKeys()) {
            throw FirehoseError.INVALID_ARGUMENT.exception("partitionKeyFromLambda needs a Lambda processor, which the "
                    + "local engine does not run.");
        }

        Compression compression = Compression.fromWire(compressionName);
        ObjectNode filledHints = JsonNodeFactory.instance.objectNode();
        filledHints.put("SizeInMBs", sizeMb);
        filledHints.put("IntervalInSeconds", intervalSeconds);
        config.set("BufferingHints", filledHints);
        config.put("CompressionFormat", compression.wireName());
        if (!config.has("EncryptionConfiguration")) {
            config.putObject("EncryptionConfiguration").put("NoEncryptionConfig", "NoEncryption");
        }
        if (!config.has("CloudWatchLoggingOptions")) {
            config.putObject("CloudWatchLoggingOptions").put("Enabled", false);
        }
        String extension = fileExtension == null || fileExtension.isEmpty() ? compression.extension() : fileExtension;
        String bucket = bucketArn.substring(bucketArn.indexOf(":::") + 3);
        return new DestinationSettings(config, bucket, sizeMb * 1024L * 1024L, intervalSeconds, compression, extension,
                zone, dynamicPartitioning, processing, keys);
    }

    /** Applies an {@code S3DestinationUpdate}/{@code ExtendedS3DestinationUpdate}: objects merge, values replace. */
    static ObjectNode merge(ObjectNode current, JsonNode update) {
        ObjectNode merged = current.deepCopy();
        Iterator<Map.Entry<String, JsonNode>> fields = update.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = merged.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue().isObject()) {
                merged.set(field.getKey(), merge(existingObject, field.getValue()));
            } else {
                merged.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return merged;
    }

    String bucketArn() {
        return config.path("BucketARN").asText();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
