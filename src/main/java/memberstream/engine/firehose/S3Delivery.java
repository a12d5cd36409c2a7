package memberstream.engine.firehose;

import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.engine.s3.S3Error;
import memberstream.engine.s3.S3Exception;
import memberstream.engine.s3.S3ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a delivery stream's due object to the engine's S3: the key from the stream's prefixes (the error
 * prefix when processing or partitioning failed), the body compressed as configured; a refusal is logged
 * as Firehose's error log words it and the object kept for a retry. Called by the one delivery thread at
 * a time (the service's delivery lock); its counters may be read from any thread.
 */
final class S3Delivery {

    private static final Logger log = LoggerFactory.getLogger(S3Delivery.class);

    private final S3ObjectStore s3;
    private final Duration retryInterval;
    private final AtomicLong objectsWritten = new AtomicLong();
    private final AtomicLong bytesDelivered = new AtomicLong();

    S3Delivery(S3ObjectStore s3, Duration retryInterval) {
        this.s3 = s3;
        this.retryInterval = retryInterval;
    }

    /** Writes one object; false if S3 refused it (the records stay for a retry at {@code now} + the retry interval). */
    boolean write(DeliveryStream stream, DeliveryStream.PendingObject object, long now) {
        DestinationSettings settings = stream.settings();
        DeliveryStreamCatalog.Definition definition = stream.definition();
        Instant oldest = Instant.ofEpochMilli(object.oldestArrivalMillis);
        String prefix;
        if (object.errorOutputType != null) {
            prefix = settings.keys().errorPrefix(oldest, settings.zone(), object.errorOutputType);
        } else {
            try {
                prefix = settings.keys().successPrefix(oldest, settings.zone(), object.partitionKeys);
            } catch (IllegalArgumentException missingKey) {
                prefix = settings.keys().errorPrefix(oldest, settings.zone(), DeliveryStream.PARTITIONING_FAILED);
            }
        }
        if (prefix.length() > PrefixTemplate.MAX_EVALUATED_LENGTH) {
            prefix = settings.keys().errorPrefix(oldest, settings.zone(),
                    object.errorOutputType == null ? "processing-failed" : object.errorOutputType);
        }
        String suffix = ObjectKeys.suffix(definition.name(), definition.version(), oldest, settings.zone(),
                settings.extension());
        String key = prefix + suffix;
        String zipEntry = suffix.endsWith(".zip") ? suffix.substring(0, suffix.length() - 4) : suffix;
        try {
            s3.putObject(settings.bucket(), key, "application/octet-stream", Map.of(), out -> {
                try (OutputStream compressed = settings.compression().wrap(out, zipEntry)) {
                    for (byte[] payload : object.payloads) {
                        compressed.write(payload);
                    }
                }
            });
            stream.delivered(object);
            objectsWritten.incrementAndGet();
            bytesDelivered.addAndGet(object.bytes);
            return true;
        } catch (S3Exception e) {
            String errorCode = "S3." + e.error().code();
            String message = e.error() == S3Error.NO_SUCH_BUCKET ? "The specified bucket does not exist." : e.getMessage();
            reportDeliveryError(stream, object, now, errorCode, message, settings);
            return false;
        } catch (RuntimeException e) {
            log.warn("Delivery stream {}: cannot write s3://{}/{}", definition.name(), settings.bucket(), key, e);
            reportDeliveryError(stream, object, now, "S3.InternalError", String.valueOf(e.getMessage()), settings);
            return false;
        }
    }

    /** Logs a failed delivery as Firehose's CloudWatch error log shows it, and keeps the records for a retry. */
    private void reportDeliveryError(DeliveryStream stream, DeliveryStream.PendingObject object, long now,
                                     String errorCode, String message, DestinationSettings settings) {
        DeliveryStreamCatalog.Definition definition = stream.definition();
        String error = "{\"deliveryStreamARN\":\"" + definition.arn() + "\",\"destination\":\"" + settings.bucketArn()
                + "\",\"deliveryStreamVersionId\":" + definition.version() + ",\"message\":\"" + message
                + "\",\"errorCode\":\"" + errorCode + "\"}";
        if (object.attempts == 0) {
            log.warn("Delivery to S3 failed, {} records kept for retry: {}", object.recordCount(), error);
        }
        stream.failed(object, now + retryInterval.toMillis(), errorCode + ": " + message);
    }

    long objectsWritten() {
        return objectsWritten.get();
    }

    long bytesDelivered() {
        return bytesDelivered.get();
    }
}
