package memberstream.live.deliveries;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.BufferingHints;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DestinationDescription;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationDescription;
import software.amazon.awssdk.services.firehose.model.ListDeliveryStreamsResponse;
import software.amazon.awssdk.services.firehose.model.ProcessingConfiguration;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.S3DestinationDescription;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import memberstream.live.Attempted;
import memberstream.live.AwsErrors;

/**
 * The delivery browser's calls to Firehose and S3 through the console's SDK clients. What Firehose
 * holds in its buffer is not part of the Firehose API: the embedded engine answers it as an extension,
 * in {@code x-memberstream-buffered-*} headers on DescribeDeliveryStream, read here from the SDK's raw
 * response; an endpoint without them (LocalStack, AWS) gets "not reported", never a guess. Record
 * counts of listed objects are cached by ETag (an object's content never changes under the same ETag).
 * Thread-safe.
 */
public class DeliveryBrowser {

    /** Objects larger than this are not read just to count their records in a listing. */
    static final long COUNT_RECORDS_UP_TO_BYTES = 8L * 1024 * 1024;
    /** The viewer downloads at most this much of an object; the whole object is only ever streamed to a download. */
    static final long MAX_STORED_BYTES_SHOWN = 16L * 1024 * 1024;
    static final String BUFFER_HEADER_PREFIX = "x-memberstream-buffered-";
    static final String NOT_REPORTED = "This endpoint doesn't report its buffer: Firehose's API has no such field "
            + "(the embedded engine reports it as an extension).";

    private final Supplier<FirehoseClient> firehose;
    private final Supplier<S3Client> s3;
    private final Attempted.Pause pause;
    private final ConcurrentHashMap<String, Integer> recordCountByEtag = new ConcurrentHashMap<>();

    public DeliveryBrowser(Supplier<FirehoseClient> firehose, Supplier<S3Client> s3) {
        this(firehose, s3, Attempted.Pause.THREAD_SLEEP);
    }

    DeliveryBrowser(Supplier<FirehoseClient> firehose, Supplier<S3Client> s3, Attempted.Pause pause) {
        this.firehose = firehose;
        this.s3 = s3;
        this.pause = pause;
    }

    /** A delivery stream and its S3 destination's configuration. */
    public record DeliveryStreamRow(String name, String status, String type, String bucket, String prefix,
                                    String errorOutputPrefix, Integer bufferSizeMb, Integer bufferIntervalSeconds,
                                    String compression, String processors, String fileExtension, String versionId,
                                    Instant created, Instant lastUpdated, String failure) {

        /** The part of the prefix before any {@code !{...}} expression: where its objects are. */
        public String staticPrefix() {
            return staticPart(prefix);
        }

        public String staticErrorPrefix() {
            return staticPart(errorOutputPrefix);
        }

        private static String staticPart(String prefix) {
            if (prefix == null) {
                return "";
            }
            int expression = prefix.indexOf("!{");
            return expression < 0 ? prefix : prefix.substring(0, expression);
        }
    }

    /**
     * What a delivery stream holds and has not written to S3, as the endpoint reported it at
     * {@code at} (its clock). Without a report, every number is null and {@code notReported} says why.
     *
     * @param partitions buffers filling up: one per partition with dynamic partitioning
     * @param retryingRecords records whose delivery failed, waiting for their retry
     * @param untilIntervalFlush until the soonest open buffer's interval has passed; null when none is open
     */
    public record BufferState(Long records, Long bytes, Integer partitions, Long retryingRecords,
                              Instant oldestArrival, Duration untilIntervalFlush, Instant at, String notReported) {

        static BufferState notReported(String why) {
            return new BufferState(null, null, null, null, null, null, null, why);
        }

        public boolean reported() {
            return notReported == null;
        }

        /** The endpoint answered without a report (it is not the engine): asking again will not help. */
        public boolean endpointDoesNotReport() {
            return NOT_REPORTED.equals(notReported);
        }

        /** Reads the engine's buffer headers; an answer without them is "not reported". */
        static BufferState fromHeaders(SdkHttpResponse response) {
            Optional<String> records = response.firstMatchingHeader(BUFFER_HEADER_PREFIX + "records");
            if (records.isEmpty()) {
                return notReported(NOT_REPORTED);
            }
            try {
                return new BufferState(Long.parseLong(records.get()),
                        Long.parseLong(header(response, "bytes").orElse("0")),
                        Integer.parseInt(header(response, "partitions").orElse("0")),
                        Long.parseLong(header(response, "retrying-records").orElse("0")),
                        header(response, "oldest-arrival").map(Instant::parse).orElse(null),
                        header(response, "interval-flush-in-ms").map(ms -> Duration.ofMillis(Long.parseLong(ms))).orElse(null),
                        header(response, "at").map(Instant::parse).orElse(null),
                        null);
            } catch (RuntimeException unreadable) {
                return notReported("This endpoint's buffer report is unreadable: " + unreadable.getMessage());
            }
        }

        private static Optional<String> header(SdkHttpResponse response, String name) {
            return response.firstMatchingHeader(BUFFER_HEADER_PREFIX + name);
        }
    }

    /** One S3 object; {@code records} null when not counted (too large, or unreadable). */
    public record ObjectRow(String bucket, String key, long size, Instant lastModified, String compression,
                            Integer records) {
    }

    /** A "folder" view of a bucket under a prefix. */
    public record Listing(String bucket, String prefix, List<String> folders, List<ObjectRow> objects,
                          boolean truncated) {
    }

    public Attempted<List<DeliveryStreamRow>> deliveryStreams() {
        return Attempted.call(pause, () -> {
            List<String> names = new ArrayList<>();
            ListDeliveryStreamsResponse page = firehose.get().listDeliveryStreams(r -> r.limit(100));
            names.addAll(page.deliveryStreamNames());
            while (Boolean.TRUE.equals(page.hasMoreDeliveryStreams()) && !page.deliveryStreamNames().isEmpty()) {
                String last = page.deliveryStreamNames().get(page.deliveryStreamNames().size() - 1);
                page = firehose.get().listDeliveryStreams(r -> r.limit(100).exclusiveStartDeliveryStreamName(last));
                names.addAll(page.deliveryStreamNames());
            }
            List<DeliveryStreamRow> rows = new ArrayList<>();
            for (String name : names) {
                rows.add(row(firehose.get().describeDeliveryStream(r -> r.deliveryStreamName(name))
                        .deliveryStreamDescription()));
            }
            rows.sort(Comparator.comparing(DeliveryStreamRow::name));
            return rows;
        });
    }

    /**
     * What the delivery stream holds now, if the endpoint reports it. Never throws: a failed call is a
     * "not reported" with the reason, as the view refreshes this on every poll.
     */
    public BufferState buffered(String deliveryStream) {
        try {
            return BufferState.fromHeaders(firehose.get()
                    .describeDeliveryStream(r -> r.deliveryStreamName(deliveryStream)).sdkHttpResponse());
        } catch (ResourceNotFoundException gone) {
            return BufferState.notReported("The delivery stream " + deliveryStream + " no longer exists.");
        } catch (RuntimeException e) {
            return BufferState.notReported("Could not ask the endpoint: " + AwsErrors.describe(e));
        }
    }

    /** The newest objects under the delivery stream's prefix (not under its error prefix). */
    public Attempted<List<ObjectRow>> lastDeliveries(DeliveryStreamRow stream, int limit) {
        String errors = stream.staticErrorPrefix();
        return Attempted.call(pause, () -> newest(stream.bucket(), stream.staticPrefix(), limit,
                key -> errors.isEmpty() || !key.startsWith(errors)));
    }

    /** The newest objects under the error output prefix: records Firehose could not deliver or process. */
    public Attempted<List<ObjectRow>> failures(DeliveryStreamRow stream, int limit) {
        if (stream.errorOutputPrefix() == null || stream.errorOutputPrefix().isEmpty()) {
            return new Attempted<>(List.of(), List.of());
        }
        return Attempted.call(pause, () -> newest(stream.bucket(), stream.staticErrorPrefix(), limit, key -> true));
    }

    public Attempted<Listing> list(String bucket, String prefix) {
        return Attempted.call(pause, () -> {
            ListObjectsV2Response page = s3.get().listObjectsV2(r -> r.bucket(bucket).prefix(prefix).delimiter("/").maxKeys(200));
            List<String> folders = page.commonPrefixes().stream().map(CommonPrefix::prefix).toList();
            List<ObjectRow> objects = page.contents().stream().map(o -> objectRow(bucket, o)).toList();
            return new Listing(bucket, prefix, folders, objects, Boolean.TRUE.equals(page.isTruncated()));
        });
    }

    /**
     * Reads an object for the viewer: at most {@link #MAX_STORED_BYTES_SHOWN} of it are downloaded, and
     * decompression stops at {@link DeliveredObject#MAX_CONTENT_BYTES}; the result says when it was cut.
     */
    public Attempted<DeliveredObject> open(String bucket, String key) {
        return Attempted.call(pause, () -> {
            var response = s3.get().getObjectAsBytes(r -> r.bucket(bucket).key(key).range("bytes=0-" + (MAX_STORED_BYTES_SHOWN - 1)));
            byte[] stored = response.asByteArray();
            String range = response.response().contentRange();
            boolean storedCut = range != null && range.contains("/") && !range.endsWith("/" + stored.length);
            return DeliveredObject.decode(key, stored, storedCut);
        });
    }

    /** The object whole, as stored (compressed or not), for the viewer's download link. */
    public java.io.InputStream downloadStream(String bucket, String key) {
        return s3.get().getObject(r -> r.bucket(bucket).key(key));
    }

    public byte[] download(String bucket, String key) {
        return s3.get().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
    }

    private List<ObjectRow> newest(String bucket, String prefix, int limit, java.util.function.Predicate<String> keep) {
        List<S3Object> all = new ArrayList<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = s3.get().listObjectsV2(r -> r.bucket(bucket).prefix(prefix).continuationToken(continuation));
            page.contents().stream().filter(o -> keep.test(o.key())).forEach(all::add);
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null && all.size() < 10_000);
        return all.stream()
                .sorted(Comparator.comparing(S3Object::lastModified).thenComparing(S3Object::key).reversed())
                .limit(limit)
                .map(o -> objectRow(bucket, o))
                .collect(Collectors.toList());
    }

    private ObjectRow objectRow(String bucket, S3Object object) {
        return new ObjectRow(bucket, object.key(), object.size(), object.lastModified(),
                DeliveredObject.compressionFromKey(object.key()), recordCount(bucket, object));
    }

    private Integer recordCount(String bucket, S3Object object) {
        if (object.size() > COUNT_RECORDS_UP_TO_BYTES || object.eTag() == null) {
            return null;
        }
        int count = recordCountByEtag.computeIfAbsent(bucket + "/" + object.key() + "@" + object.eTag(), k -> {
            try {
                DeliveredObject decoded = DeliveredObject.decode(object.key(), download(bucket, object.key()));
                return decoded.cut() ? -1 : decoded.records().size();
            } catch (RuntimeException unreadable) {
                return -1;
            }
        });
        return count >= 0 ? count : null;
    }

    private static DeliveryStreamRow row(DeliveryStreamDescription d) {
        String bucket = null;
        String prefix = null;
        String errorPrefix = null;
        Integer size = null;
        Integer interval = null;
        String compression = null;
        String processors = "none";
        String extension = null;
        if (!d.destinations().isEmpty()) {
            DestinationDescription destination = d.destinations().get(0);
            ExtendedS3DestinationDescription extended = destination.extendedS3DestinationDescription();
            S3DestinationDescription plain = destination.s3DestinationDescription();
            if (extended != null) {
                bucket = bucketName(extended.bucketARN());
                prefix = extended.prefix();
                errorPrefix = extended.errorOutputPrefix();
                size = sizeOf(extended.bufferingHints());
                interval = intervalOf(extended.bufferingHints());
                compression = extended.compressionFormatAsString();
                processors = processors(extended.processingConfiguration());
                extension = extended.fileExtension();
            } else if (plain != null) {
                bucket = bucketName(plain.bucketARN());
                prefix = plain.prefix();
                errorPrefix = plain.errorOutputPrefix();
                size = sizeOf(plain.bufferingHints());
                interval = intervalOf(plain.bufferingHints());
                compression = plain.compressionFormatAsString();
            }
        }
        String failure = d.failureDescription() == null ? null
                : d.failureDescription().typeAsString() + ": " + d.failureDescription().details();
        return new DeliveryStreamRow(d.deliveryStreamName(), d.deliveryStreamStatusAsString(),
                d.deliveryStreamTypeAsString(), bucket, prefix, errorPrefix, size, interval, compression, processors,
                extension, d.versionId(), d.createTimestamp(), d.lastUpdateTimestamp(), failure);
    }

    private static String processors(ProcessingConfiguration processing) {
        if (processing == null || !Boolean.TRUE.equals(processing.enabled()) || processing.processors().isEmpty()) {
            return "none";
        }
        return processing.processors().stream().map(p -> p.typeAsString()
                + (p.parameters().isEmpty() ? "" : p.parameters().stream()
                .map(param -> param.parameterNameAsString() + "=" + param.parameterValue())
                .collect(Collectors.joining(", ", " (", ")"))))
                .collect(Collectors.joining("; "));
    }

    private static Integer sizeOf(BufferingHints hints) {
        return hints == null ? null : hints.sizeInMBs();
    }

    private static Integer intervalOf(BufferingHints hints) {
        return hints == null ? null : hints.intervalInSeconds();
    }

    /** arn:aws:s3:::bucket -> bucket */
    static String bucketName(String arn) {
        if (arn == null) {
            return null;
        }
        int colons = arn.lastIndexOf(':');
        return colons >= 0 ? arn.substring(colons + 1) : arn;
    }
}
