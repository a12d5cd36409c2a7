package memberstream.live.deliveries.ui;

import java.time.Duration;
import java.util.Arrays;
import memberstream.Eventually;
import memberstream.aws.AwsClients;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.Record;

/** Delivery streams of a test's own on the engine, made over the SDK as a user's tooling would. */
public final class DeliveredStreams {

    private DeliveredStreams() {
    }

    /**
     * A new bucket and a DirectPut delivery stream into it under {@code prefix} (GZIP, one record a
     * line, failures under {@code errors/}, a zero-second buffer) that has delivered {@code jsonRecords}
     * as one object: returns once that object is in the bucket.
     */
    public static void deliver(AwsClients aws, String name, String bucket, String prefix, String... jsonRecords) {
        aws.s3().createBucket(r -> r.bucket(bucket));
        aws.firehose().createDeliveryStream(r -> r.deliveryStreamName(name)
                .deliveryStreamType(DeliveryStreamType.DIRECT_PUT)
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::" + bucket)
                        .roleARN("arn:aws:iam::000000000000:role/test")
                        .prefix(prefix).errorOutputPrefix("errors/")
                        .bufferingHints(h -> h.sizeInMBs(1).intervalInSeconds(0))
                        .compressionFormat(CompressionFormat.GZIP)
                        .processingConfiguration(p -> p.enabled(true).processors(pr -> pr.type(ProcessorType.APPEND_DELIMITER_TO_RECORD)))));
        Eventually.within(Duration.ofSeconds(10), "delivery stream ACTIVE", () -> "ACTIVE".equals(aws.firehose()
                .describeDeliveryStream(r -> r.deliveryStreamName(name)).deliveryStreamDescription()
                .deliveryStreamStatusAsString()));
        put(aws, name, jsonRecords);
        Eventually.within(Duration.ofSeconds(20), "an object under " + prefix, () ->
                !aws.s3().listObjectsV2(r -> r.bucket(bucket).prefix(prefix)).contents().isEmpty());
    }

    /** Puts the records into the delivery stream in one batch. */
    public static void put(AwsClients aws, String name, String... jsonRecords) {
        aws.firehose().putRecordBatch(r -> r.deliveryStreamName(name).records(Arrays.stream(jsonRecords)
                .map(json -> Record.builder().data(SdkBytes.fromUtf8String(json)).build()).toList()));
    }
}
