package memberstream.aws;

import java.time.Duration;
import java.util.function.Supplier;
import memberstream.settings.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Creates what the sinks need when it is missing: the Kinesis stream, the S3 bucket and the Firehose
 * delivery stream writing to it, named by the current settings. Runs at start (before outstanding
 * events are resubmitted), again when the settings name other resources, and on each resubmission
 * round until it has succeeded once, so a sink that was down at start is set up when it comes back.
 * Only when {@link AwsProperties#shouldCreateResources()}: never on real AWS unless asked.
 * Thread-safe: calls are serialised.
 */
public class ResourceProvisioner {

    private static final Logger log = LoggerFactory.getLogger(ResourceProvisioner.class);
    private static final Duration ACTIVE_WITHIN = Duration.ofSeconds(30);

    private final AwsClients clients;
    private final AwsProperties properties;
    private final Supplier<Settings> settings;
    private Names provisioned;

    /** The two resource names the settings give; the switch between them does not matter here. */
    private record Names(String kinesisStream, String firehoseDeliveryStream) {
    }

    ResourceProvisioner(AwsClients clients, AwsProperties properties, Supplier<Settings> settings) {
        this.clients = clients;
        this.properties = properties;
        this.settings = settings;
    }

    /** Makes sure the resources of the current settings exist; logs and returns false when it cannot. */
    public synchronized boolean ensure() {
        if (!properties.shouldCreateResources()) {
            return true;
        }
        Settings current = settings.get();
        Names wanted = new Names(current.kinesisStreamName(), current.firehoseDeliveryStreamName());
        if (wanted.equals(provisioned)) {
            return true;
        }
        boolean streamReady = attempt("Kinesis stream " + wanted.kinesisStream(),
                () -> ensureStream(wanted.kinesisStream()));
        boolean deliveryReady = attempt("Firehose delivery stream " + wanted.firehoseDeliveryStream(), () -> {
            ensureBucket(properties.bucket());
            ensureDeliveryStream(wanted.firehoseDeliveryStream(), properties.bucket());
        });
        if (streamReady && deliveryReady) {
            provisioned = wanted;
            return true;
        }
        return false;
    }

    /** One independent step: a Kinesis that is down must not keep Firehose from being set up. */
    private static boolean attempt(String what, Runnable step) {
        try {
            step.run();
            return true;
        } catch (SdkException | IllegalStateException e) {
            log.warn("Could not set up {} yet ({}); its events stay pending and this is tried again", what,
                    e.getMessage());
            return false;
        }
    }

    /** Forget what was done, so the next {@link #ensure()} checks again (the endpoint may have been reset). */
    public synchronized void recheck() {
        provisioned = null;
    }

    private void ensureStream(String stream) {
        var kinesis = clients.kinesis();
        try {
            kinesis.describeStreamSummary(r -> r.streamName(stream));
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException missing) {
            try {
                kinesis.createStream(r -> r.streamName(stream).shardCount(properties.shardCount()));
                log.info("Created Kinesis stream {} with {} shard(s)", stream, properties.shardCount());
            } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException createdMeanwhile) {
                // someone else created it: fine
            }
        }
        waitUntil("Kinesis stream " + stream, () -> kinesis.describeStreamSummary(r -> r.streamName(stream))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    private void ensureBucket(String bucket) {
        var s3 = clients.s3();
        try {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (NoSuchBucketException missing) {
            createBucket(bucket);
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            createBucket(bucket);
        }
    }

    private void createBucket(String bucket) {
        clients.s3().createBucket(r -> r.bucket(bucket));
        log.info("Created S3 bucket {}", bucket);
    }

    private void ensureDeliveryStream(String deliveryStream, String bucket) {
        var firehose = clients.firehose();
        try {
            firehose.describeDeliveryStream(r -> r.deliveryStreamName(deliveryStream));
        } catch (software.amazon.awssdk.services.firehose.model.ResourceNotFoundException missing) {
            try {
                firehose.createDeliveryStream(r -> r
                        .deliveryStreamName(deliveryStream)
                        .deliveryStreamType(DeliveryStreamType.DIRECT_PUT)
                        .extendedS3DestinationConfiguration(s3 -> s3
                                .bucketARN("arn:aws:s3:::" + bucket)
                                .roleARN(properties.firehoseRoleArn())
                                .bufferingHints(b -> b
                                        .intervalInSeconds((int) properties.firehoseBuffer().toSeconds())
                                        .sizeInMBs(1))));
                log.info("Created Firehose delivery stream {} writing to s3://{}", deliveryStream, bucket);
            } catch (software.amazon.awssdk.services.firehose.model.ResourceInUseException createdMeanwhile) {
                // someone else created it: fine
            }
        }
        waitUntil("Firehose delivery stream " + deliveryStream, () -> firehose
                .describeDeliveryStream(r -> r.deliveryStreamName(deliveryStream))
                .deliveryStreamDescription().deliveryStreamStatus() == DeliveryStreamStatus.ACTIVE);
    }

    private static void waitUntil(String what, Supplier<Boolean> active) {
        long deadline = System.nanoTime() + ACTIVE_WITHIN.toNanos();
        while (!active.get()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " is not ACTIVE after " + ACTIVE_WITHIN.toSeconds() + " s");
            }
            try {
                Thread.sleep(100); // polling a remote status: nothing to inject a clock for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
    }
}
