package memberstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import memberstream.engine.firehose.FirehoseRoute;
import memberstream.engine.firehose.FirehoseService;
import memberstream.engine.firehose.KinesisRouteSourceReader;
import memberstream.engine.kinesis.KinesisService;
import memberstream.engine.protocol.FrontDoor;
import memberstream.engine.s3.S3ObjectStore;
import memberstream.engine.s3.S3Route;
import memberstream.engine.storage.FsyncPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Hostile input, mutated at random from valid Kinesis (JSON and CBOR), Firehose and S3 requests and
 * sent as raw HTTP so that bytes, headers, bodies, query strings and aws-chunked framing can all be
 * broken. Seeded and deterministic in what it sends ({@code -Dfuzz.seed}, {@code -Dfuzz.requests}).
 * Asserts: no answer 500 (a client's input is never the engine's fault), every request answered or
 * its connection closed within a bound, the heap bounded, and the SDK working normally afterwards.
 *
 * <p>The engine here runs without the signature check: the fuzzer targets the services behind it
 * (mutating signed requests would only exercise the check). Unsigned raw requests meet the front
 * door's refusals too, which is fine.
 */
class EngineFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20261201L);
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 20_000);
    private static final int CONNECTIONS = 4;
    private static final int ANSWER_BOUND_MILLIS = 15_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicLong> TIMES =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    Path directory;
    KinesisService kinesis;
    S3ObjectStore s3Store;
    FirehoseService firehose;
    EngineServer server;

    @BeforeEach
    void start() {
        directory = Path.of("target/test-data/engine-fuzz").toAbsolutePath();
        TestEngine.deleteRecursively(directory);
        Clock clock = Clock.systemUTC();
        s3Store = new S3ObjectStore(directory.resolve("s3"), clock);
        kinesis = new KinesisService(directory.resolve("kinesis"), EngineProperties.defaults().withFsync(FsyncPolicy.OS)
                .withThroughputLimits(false).withStatusDelay(Duration.ZERO), clock, 16L * 1024 * 1024);
        firehose = new FirehoseService(directory.resolve("firehose"), s3Store, clock, FsyncPolicy.OS, Duration.ofSeconds(5),
                new KinesisRouteSourceReader(kinesis)).start(Duration.ofMillis(500));
        // A short read timeout, so that a body that never completes costs the fuzzer one second, not sixty.
        ConnectionLimits limits = new ConnectionLimits(Duration.ofSeconds(30), Duration.ofSeconds(1), 64, DataSize.ofMegabytes(256));
        server = new EngineServer(List.of(kinesis, new FirehoseRoute(firehose), new S3Route(s3Store)), "127.0.0.1", 0, 4,
                FrontDoor.unsigned("127.0.0.1", clock), limits)
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
        firehose.close();
        kinesis.close();
    }

    @Test
    void mutatedRequestsNeverAnswer500NorHangAndTheEngineKeepsWorking() throws Exception {
        List<Seed> seeds = seeds();
        for (Seed seed : seeds) {
            if (seed.setup) {
                send(seed.toBytes(server.port()), seed.method);
            }
        }
        long heapBefore = usedHeapAfterGc();
        Random random = new Random(SEED);
        List<Long> perConnectionSeeds = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            perConnectionSeeds.add(random.nextLong());
        }
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        List<Future<?>> runs = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            long connectionSeed = perConnectionSeeds.get(c);
            int share = REQUESTS / CONNECTIONS;
            runs.add(pool.submit(() -> {
                Random rnd = new Random(connectionSeed);
                RawConnection connection = null;
                for (int i = 0; i < share; i++) {
                    Seed seed = seeds.get(rnd.nextInt(seeds.size()));
                    Mutated request = Mutator.mutate(seed, rnd, server.port());
                    try {
                        if (connection == null) {
                            connection = new RawConnection(server.port());
                        }
                        long began = System.nanoTime();
                        Answer answer = connection.exchange(request.bytes, request.method);
                        long millis = (System.nanoTime() - began) / 1_000_000;
                        String key = seed.method + " " + seed.path + " " + (seed.json == null ? seed.query
                                : seed.headers.get(0)[1] + (seed.cbor ? " cbor" : ""));
                        TIMES.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicLong()).addAndGet(millis);
                        if (answer == null) {
                            closed.incrementAndGet();
                            connection.close();
                            connection = null;
                            continue;
                        }
                        answered.incrementAndGet();
                        if (answer.status >= 500 && answer.status != 501) {
                            failures.add(answer.status + " for " + request.describe() + "\n    answer: " + answer.preview());
                        }
                        if (answer.close) {
                            connection.close();
                            connection = null;
                        }
                    } catch (SocketTimeoutException e) {
                        failures.add("no answer within " + ANSWER_BOUND_MILLIS + " ms for " + request.describe());
                        closeQuietly(connection);
                        connection = null;
                    } catch (IOException e) {
                        closed.incrementAndGet();
                        closeQuietly(connection);
                        connection = null;
                    }
                }
                closeQuietly(connection);
                return null;
            }));
        }
        for (Future<?> run : runs) {
            run.get();
        }
        pool.shutdown();
        TIMES.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get())).limit(15)
                .forEach(e -> System.out.println("time " + e.getValue() + " ms in " + e.getKey()));

        assertThat(failures).as("answers 500 or hangs, of %d answered and %d closed", answered.get(), closed.get())
                .hasSizeLessThanOrEqualTo(0);
        assertThat(answered.get() + closed.get()).isEqualTo(REQUESTS / CONNECTIONS * CONNECTIONS);
        assertThat(answered.get()).isGreaterThan(REQUESTS / 2);
        long heapAfter = usedHeapAfterGc();
        assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(192L * 1024 * 1024);
        sdkStillWorks();
    }

    private void sdkStillWorks() {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        var endpoint = java.net.URI.create("http://127.0.0.1:" + server.port());
        try (KinesisClient client = KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(ApacheHttpClient.create()).build();
             S3Client s3 = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                     .credentialsProvider(credentials).httpClient(ApacheHttpClient.create()).build()) {
            client.createStream(b -> b.streamName("after-the-fuzz").shardCount(1));
            var put = client.putRecord(b -> b.streamName("after-the-fuzz").partitionKey("k")
                    .data(SdkBytes.fromUtf8String("still here")));
            String iterator = client.getShardIterator(b -> b.streamName("after-the-fuzz").shardId(put.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            var records = client.getRecords(b -> b.shardIterator(iterator)).records();
            assertThat(records).extracting(r -> r.data().asUtf8String()).containsExactly("still here");

            s3.createBucket(b -> b.bucket("after-the-fuzz"));
            s3.putObject(b -> b.bucket("after-the-fuzz").key("k"), RequestBody.fromString("object"));
            assertThat(s3.getObjectAsBytes(b -> b.bucket("after-the-fuzz").key("k")).asUtf8String()).isEqualTo("object");
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static void closeQuietly(RawConnection connection) {
        if (connection != null) {
            connection.close();
        }
    }

    private Answer send(byte[] bytes, String method) throws IOException {
        try (RawConnection connection = new RawConnection(server.port())) {
            return connection.exchange(bytes, method);
        }
    }

    // ------------------------------------------------------------------ seeds

    /** A valid request to mutate; {@code json} is its body as a tree when it is a JSON 1.1 call. */
    record Seed(String method, String path, String query, List<String[]> headers, byte[] body, JsonNode json,
                boolean cbor, boolean setup) {

        byte[] toBytes(int port) {
            return Mutator.render(method, path, query, headers, body, port, true);
        }
    }

    private static List<Seed> seeds() {
        List<Seed> seeds = new ArrayList<>();
        String data = java.util.Base64.getEncoder().encodeToString("{\"t\":\"a\",\"n\":1}".getBytes(StandardCharsets.UTF_8));
        kinesis(seeds, "CreateStream", "{\"StreamName\":\"fuzz\",\"ShardCount\":2}", true);
        kinesis(seeds, "CreateStream", "{\"StreamName\":\"fuzz-2\",\"ShardCount\":1}", false);
        kinesis(seeds, "DescribeStream", "{\"StreamName\":\"fuzz\",\"Limit\":10}", false);
        kinesis(seeds, "DescribeStreamSummary", "{\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/fuzz\"}", false);
        kinesis(seeds, "ListStreams", "{\"Limit\":5}", false);
        kinesis(seeds, "ListShards", "{\"StreamName\":\"fuzz\",\"MaxResults\":10,\"ShardFilter\":{\"Type\":\"AT_TIMESTAMP\",\"Timestamp\":1700000000}}", false);
        kinesis(seeds, "PutRecord", "{\"StreamName\":\"fuzz\",\"Data\":\"" + data + "\",\"PartitionKey\":\"p\",\"ExplicitHashKey\":\"12345\"}", false);
        kinesis(seeds, "PutRecords", "{\"StreamName\":\"fuzz\",\"Records\":[{\"Data\":\"" + data + "\",\"PartitionKey\":\"a\"},"
                + "{\"Data\":\"" + data + "\",\"PartitionKey\":\"b\",\"ExplicitHashKey\":\"0\"}]}", false);
        kinesis(seeds, "GetShardIterator", "{\"StreamName\":\"fuzz\",\"ShardId\":\"shardId-000000000000\","
                + "\"ShardIteratorType\":\"AT_TIMESTAMP\",\"Timestamp\":1700000000.5}", false);
        kinesis(seeds, "GetShardIterator", "{\"StreamName\":\"fuzz\",\"ShardId\":\"shardId-000000000001\","
                + "\"ShardIteratorType\":\"AT_SEQUENCE_NUMBER\",\"StartingSequenceNumber\":\"49590338271490256608559692538361571095921575989136588898\"}", false);
        kinesis(seeds, "GetRecords", "{\"ShardIterator\":\"AAAAAAAAAAHSywljv0zEgPX4NyKdZ5wryMzP9yALs8NeKbUjp1IxtZs1Sp+KEd9I6AJ9ZG4lNR1EMi+9Md/nHvtLyxpfhEzYvkTZ4D9DQVz/mBYWRO6OTZRKnW9gd+efGN2aHFdkH1rJl4BL9Wyrk+ghYG22D2T1Da2EyNSH1+LAbK33gQweTJADBdyMwlo5r6PqcP2dzhg=\",\"Limit\":100}", false);
        kinesis(seeds, "AddTagsToStream", "{\"StreamName\":\"fuzz\",\"Tags\":{\"team\":\"members\"}}", false);
        kinesis(seeds, "ListTagsForStream", "{\"StreamName\":\"fuzz\",\"Limit\":10}", false);
        kinesis(seeds, "SplitShard", "{\"StreamName\":\"fuzz-2\",\"ShardToSplit\":\"shardId-000000000000\","
                + "\"NewStartingHashKey\":\"170141183460469231731687303715884105728\"}", false);
        kinesis(seeds, "MergeShards", "{\"StreamName\":\"fuzz\",\"ShardToMerge\":\"shardId-000000000000\","
                + "\"AdjacentShardToMerge\":\"shardId-000000000001\"}", false);
        kinesis(seeds, "UpdateShardCount", "{\"StreamName\":\"fuzz-2\",\"TargetShardCount\":2,\"ScalingType\":\"UNIFORM_SCALING\"}", false);
        kinesis(seeds, "IncreaseStreamRetentionPeriod", "{\"StreamName\":\"fuzz\",\"RetentionPeriodHours\":48}", false);
        kinesis(seeds, "UpdateStreamMode", "{\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/fuzz\","
                + "\"StreamModeDetails\":{\"StreamMode\":\"ON_DEMAND\"}}", false);
        kinesis(seeds, "StartStreamEncryption", "{\"StreamName\":\"fuzz\",\"EncryptionType\":\"KMS\",\"KeyId\":\"alias/aws/kinesis\"}", false);
        kinesis(seeds, "DeleteStream", "{\"StreamName\":\"fuzz-2\"}", false);
        kinesis(seeds, "DescribeLimits", "{}", false);

        String destination = "\"ExtendedS3DestinationConfiguration\":{\"RoleARN\":\"arn:aws:iam::000000000000:role/r\","
                + "\"BucketARN\":\"arn:aws:s3:::fuzz-bucket\",\"Prefix\":\"p/\",\"ErrorOutputPrefix\":\"e/\","
                + "\"BufferingHints\":{\"SizeInMBs\":1,\"IntervalInSeconds\":60},\"CompressionFormat\":\"GZIP\"}";
        String partitioned = "\"ExtendedS3DestinationConfiguration\":{\"RoleARN\":\"arn:aws:iam::000000000000:role/r\","
                + "\"BucketARN\":\"arn:aws:s3:::fuzz-bucket\",\"Prefix\":\"t=!{partitionKeyFromQuery:t}/\",\"ErrorOutputPrefix\":\"e/!{firehose:error-output-type}/\","
                + "\"DynamicPartitioningConfiguration\":{\"Enabled\":true},\"BufferingHints\":{\"SizeInMBs\":64,\"IntervalInSeconds\":60},"
                + "\"ProcessingConfiguration\":{\"Enabled\":true,\"Processors\":[{\"Type\":\"MetadataExtraction\",\"Parameters\":["
                + "{\"ParameterName\":\"MetadataExtractionQuery\",\"ParameterValue\":\"{t: .t}\"},"
                + "{\"ParameterName\":\"JsonParsingEngine\",\"ParameterValue\":\"JQ-1.6\"}]}]}}";
        firehose(seeds, "CreateDeliveryStream", "{\"DeliveryStreamName\":\"fuzz\",\"DeliveryStreamType\":\"DirectPut\"," + destination + "}", true);
        firehose(seeds, "CreateDeliveryStream", "{\"DeliveryStreamName\":\"fuzz-p\"," + partitioned + "}", true);
        firehose(seeds, "DescribeDeliveryStream", "{\"DeliveryStreamName\":\"fuzz\",\"Limit\":1}", false);
        firehose(seeds, "ListDeliveryStreams", "{\"Limit\":10,\"DeliveryStreamType\":\"DirectPut\"}", false);
        firehose(seeds, "PutRecord", "{\"DeliveryStreamName\":\"fuzz\",\"Record\":{\"Data\":\"" + data + "\"}}", false);
        firehose(seeds, "PutRecordBatch", "{\"DeliveryStreamName\":\"fuzz-p\",\"Records\":[{\"Data\":\"" + data + "\"},{\"Data\":\"" + data + "\"}]}", false);
        firehose(seeds, "UpdateDestination", "{\"DeliveryStreamName\":\"fuzz\",\"CurrentDeliveryStreamVersionId\":\"1\","
                + "\"DestinationId\":\"destinationId-000000000001\",\"ExtendedS3DestinationUpdate\":{\"Prefix\":\"q/\"}}", false);
        firehose(seeds, "TagDeliveryStream", "{\"DeliveryStreamName\":\"fuzz\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}", false);
        firehose(seeds, "ListTagsForDeliveryStream", "{\"DeliveryStreamName\":\"fuzz\",\"Limit\":5}", false);
        firehose(seeds, "StartDeliveryStreamEncryption", "{\"DeliveryStreamName\":\"fuzz\"}", false);

        s3(seeds, "PUT", "/fuzz-bucket", null, List.of(), new byte[0], true);
        s3(seeds, "PUT", "/fuzz-bucket/a/b.txt", null, List.<String[]>of(new String[] {"Content-Type", "text/plain"},
                new String[] {"x-amz-meta-owner", "fuzz"}), "hello".getBytes(StandardCharsets.UTF_8), true);
        s3(seeds, "GET", "/", null, List.of(), new byte[0], false);
        s3(seeds, "GET", "/fuzz-bucket", "list-type=2&prefix=a/&delimiter=/&max-keys=10&encoding-type=url", List.of(), new byte[0], false);
        s3(seeds, "GET", "/fuzz-bucket", "marker=a&max-keys=2", List.of(), new byte[0], false);
        s3(seeds, "GET", "/fuzz-bucket", "location", List.of(), new byte[0], false);
        s3(seeds, "GET", "/fuzz-bucket/a/b.txt", null, List.<String[]>of(new String[] {"Range", "bytes=1-3"}), new byte[0], false);
        s3(seeds, "HEAD", "/fuzz-bucket/a/b.txt", null, List.<String[]>of(new String[] {"If-None-Match", "\"x\""}), new byte[0], false);
        s3(seeds, "PUT", "/fuzz-bucket/copy", null, List.<String[]>of(new String[] {"x-amz-copy-source", "/fuzz-bucket/a/b.txt"}), new byte[0], false);
        s3(seeds, "PUT", "/fuzz-bucket/chunked", null, List.<String[]>of(new String[] {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
                new String[] {"Content-Encoding", "aws-chunked"}, new String[] {"x-amz-decoded-content-length", "5"}),
                "5;chunk-signature=abc\r\nhello\r\n0;chunk-signature=def\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
        s3(seeds, "POST", "/fuzz-bucket", "delete", List.of(), ("<Delete><Object><Key>copy</Key></Object><Quiet>true</Quiet></Delete>")
                .getBytes(StandardCharsets.UTF_8), false);
        s3(seeds, "POST", "/fuzz-bucket/multi", "uploads", List.of(), new byte[0], false);
        s3(seeds, "PUT", "/fuzz-bucket/multi", "partNumber=1&uploadId=abc", List.of(), "part".getBytes(StandardCharsets.UTF_8), false);
        s3(seeds, "POST", "/fuzz-bucket/multi", "uploadId=abc", List.of(), ("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
                + "<ETag>\"x\"</ETag></Part></CompleteMultipartUpload>").getBytes(StandardCharsets.UTF_8), false);
        s3(seeds, "DELETE", "/fuzz-bucket/a/b.txt", null, List.of(), new byte[0], false);
        return seeds;
    }

    private static void kinesis(List<Seed> seeds, String operation, String json, boolean setup) {
        jsonCall(seeds, "Kinesis_20131202." + operation, json, setup);
    }

    private static void firehose(List<Seed> seeds, String operation, String json, boolean setup) {
        jsonCall(seeds, "Firehose_20150804." + operation, json, setup);
    }

    private static void jsonCall(List<Seed> seeds, String target, String json, boolean setup) {
        try {
            JsonNode tree = JSON.readTree(json);
            seeds.add(new Seed("POST", "/", null, List.<String[]>of(new String[] {"X-Amz-Target", target},
                    new String[] {"Content-Type", "application/x-amz-json-1.1"}), json.getBytes(StandardCharsets.UTF_8), tree, false, setup));
            seeds.add(new Seed("POST", "/", null, List.<String[]>of(new String[] {"X-Amz-Target", target},
                    new String[] {"Content-Type", "application/x-amz-cbor-1.1"}), CBOR.writeValueAsBytes(tree), tree, true, false));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void s3(List<Seed> seeds, String method, String path, String query, List<String[]> headers, byte[] body,
                           boolean setup) {
        seeds.add(new Seed(method, path, query, headers, body, null, false, setup));
    }

    // ------------------------------------------------------------------ mutation

    /** A request as sent, with a description to reproduce it from the failure message. */
    record Mutated(String method, byte[] bytes, String summary) {
        String describe() {
            String text = new String(bytes, 0, Math.min(bytes.length, 600), StandardCharsets.ISO_8859_1);
            StringBuilder shown = new StringBuilder();
            for (char c : text.toCharArray()) {
                shown.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : c == '\n' ? "\\n" : String.format("\\x%02X", (int) c));
            }
            return summary + " :: " + shown;
        }
    }

    static final class Mutator {

        private static final String[] NASTY_STRINGS = {"", " ", "%", "%zz", "%00", "%FF%FE", "\u0000", "\u0001", "\uD800", "\uDFFF",
                "\uFFFF", "../../etc/passwd", "a".repeat(200_000), "arn:aws:kinesis:us-east-1:000000000000:stream/" + "a".repeat(3000),
                "arn:" + ":".repeat(50) + "a".repeat(5000), "-1", "18446744073709551617", "1e400", "NaN", "null", "<x>", "&amp;",
                "\"", "\\", "日本語", "😀", "shardId-999999999999", "shardId-" + "9".repeat(40), "2026-13-45T99:99:99Z", "x".repeat(1025)};
        private static final Object[] NASTY_NUMBERS = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE,
                new BigInteger("18446744073709551617"), new BigInteger("-99999999999999999999999999"), 1.5, -0.0, 1e300, 1e-300,
                new java.math.BigDecimal("1e400"), new java.math.BigDecimal("-1e-400")};
        private static final String[] QUERY_PARTS = {"%", "%zz", "max-keys=0", "max-keys=-1", "max-keys=99999999999", "max-keys=abc",
                "list-type=2", "list-type=3", "encoding-type=url", "encoding-type=xml", "prefix=%01", "prefix=%C0%AF", "delimiter=",
                "continuation-token=!!!", "continuation-token=" + "A".repeat(3000), "start-after=%FF", "marker=%", "partNumber=0",
                "partNumber=abc", "partNumber=99999999999", "uploadId=", "uploadId=%2e%2e", "uploads", "delete", "location", "acl",
                "versionId=1", "x=" + "y".repeat(10_000), "=", "&&&", "a=b=c", "%E0%A4%A", "prefix=\u0001", "tagging"};
        private static final String[] CONTENT_TYPES = {"application/x-amz-json-1.1", "application/x-amz-cbor-1.1",
                "application/json", "text/plain", "", "application/x-amz-json-1.0", "application/x-amz-cbor-1.1; charset=x"};
        private static final String[] TARGETS = {"Kinesis_20131202.PutRecord", "Kinesis_20131202.GetRecords", "Kinesis_20131202.Nope",
                "Firehose_20150804.PutRecordBatch", "Firehose_20150804.CreateDeliveryStream", "Kinesis_20131202.", "Kinesis_20131202",
                "Firehose_20150804.SubscribeToShard", "DynamoDB_20120810.GetItem", ""};
        private static final String[][] EXTRA_HEADERS = {{"Range", "bytes=5-1"}, {"Range", "bytes=-0"}, {"Range", "bytes=99999999999999999999-"},
                {"Range", "garbage"}, {"Content-MD5", "not-base64"}, {"Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA=="},
                {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}, {"Content-Encoding", "aws-chunked"},
                {"x-amz-copy-source", "/%"}, {"x-amz-copy-source", "/nobucket/"}, {"x-amz-copy-source", "fuzz-bucket/a/b.txt?versionId=%"},
                {"If-Match", "*"}, {"If-Modified-Since", "yesterday"}, {"x-amz-meta-\u0001", "x"}, {"x-amz-checksum-crc32", "%%%"},
                {"Authorization", "AWS4-HMAC-SHA256 Credential=" + "a/".repeat(3000)}, {"Transfer-Encoding", "chunked"},
                {"Expect", "100-continue"}, {"x-amz-decoded-content-length", "-5"}, {"x-amz-metadata-directive", "REPLACE"},
                {"x-amz-storage-class", "GLACIER"}, {"Connection", "close"}};
        private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE", "FOO"};

        static Mutated mutate(Seed seed, Random random, int port) {
            String method = seed.method;
            String path = seed.path;
            String query = seed.query;
            List<String[]> headers = new ArrayList<>(seed.headers);
            byte[] body = seed.body;
            boolean cbor = seed.cbor;
            JsonNode json = seed.json == null ? null : seed.json.deepCopy();
            StringBuilder summary = new StringBuilder(seed.method + " " + seed.path);
            int mutations = 1 + random.nextInt(3);
            boolean rawTail = false;
            for (int m = 0; m < mutations; m++) {
                int choice = random.nextInt(100);
                if (json != null && choice < 40) {
                    mutateTree(json, random);
                    body = encode(json, cbor);
                    summary.append(" +tree");
                } else if (choice < 50) {
                    body = mutateBytes(body, random);
                    summary.append(" +bytes");
                } else if (choice < 58) {
                    headers = mutateHeaders(headers, random);
                    summary.append(" +headers");
                } else if (choice < 70) {
                    String part = QUERY_PARTS[random.nextInt(QUERY_PARTS.length)];
                    query = query == null || random.nextInt(3) == 0 ? part : query + "&" + part;
                    summary.append(" +query");
                } else if (choice < 80) {
                    path = mutatePath(seed.json == null ? path : "/", random);
                    summary.append(" +path");
                } else if (choice < 87) {
                    body = chunkedBody(random);
                    headers.add(new String[] {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"});
                    summary.append(" +chunked");
                } else if (choice < 92) {
                    method = METHODS[random.nextInt(METHODS.length)];
                    summary.append(" +method");
                } else if (choice < 97 && json != null) {
                    // A lone surrogate or broken UTF-8 inside a CBOR or JSON text string.
                    body = brokenText(json, cbor, random);
                    summary.append(" +text");
                } else {
                    rawTail = true;
                    summary.append(" +raw");
                }
            }
            byte[] bytes = render(method, path, query, headers, body, port, random.nextInt(2000) != 0);
            if (rawTail) {
                bytes = rawHttpDamage(bytes, random);
            }
            return new Mutated(method, bytes, summary.toString());
        }

        static byte[] render(String method, String path, String query, List<String[]> headers, byte[] body, int port, boolean length) {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path);
            if (query != null) {
                head.append('?').append(query);
            }
            head.append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port).append("\r\n");
            boolean chunkedTransfer = false;
            for (String[] header : headers) {
                head.append(header[0]).append(": ").append(header[1]).append("\r\n");
                chunkedTransfer |= header[0].equalsIgnoreCase("Transfer-Encoding");
            }
            byte[] payload = body;
            if (chunkedTransfer) {
                payload = concat((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), body,
                        "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else if (length) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            } else {
                head.append("Content-Length: ").append(body.length + 3).append("\r\n"); // never completes: read timeout
            }
            head.append("\r\n");
            return concat(head.toString().getBytes(StandardCharsets.UTF_8), payload);
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                out.writeBytes(part);
            }
            return out.toByteArray();
        }

        private static byte[] encode(JsonNode json, boolean cbor) {
            try {
                return (cbor ? CBOR : JSON).writeValueAsBytes(json);
            } catch (IOException | RuntimeException e) {
                return "{}".getBytes(StandardCharsets.UTF_8);
            }
        }

        private static void mutateTree(JsonNode root, Random random) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            JsonNode container = containers.get(random.nextInt(containers.size()));
            JsonNode replacement = nastyValue(random);
            if (container instanceof ObjectNode object) {
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                int what = random.nextInt(10);
                if (names.isEmpty() || what == 0) {
                    object.set(random.nextBoolean() ? "Unknown" : NASTY_STRINGS[random.nextInt(NASTY_STRINGS.length)], replacement);
                } else if (what == 1) {
                    object.remove(names.get(random.nextInt(names.size())));
                } else {
                    object.set(names.get(random.nextInt(names.size())), replacement);
                }
            } else if (container instanceof ArrayNode array) {
                if (array.isEmpty() || random.nextBoolean()) {
                    array.add(replacement);
                } else {
                    array.set(random.nextInt(array.size()), replacement);
                }
            }
        }

        private static void collect(JsonNode node, List<JsonNode> containers) {
            if (node.isContainerNode()) {
                containers.add(node);
                for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                    collect(it.next(), containers);
                }
            }
        }

        private static JsonNode nastyValue(Random random) {
            JsonNodeFactory f = JsonNodeFactory.instance;
            return switch (random.nextInt(8)) {
                case 0, 1 -> {
                    String text = NASTY_STRINGS[random.nextInt(NASTY_STRINGS.length)];
                    yield f.textNode(text.length() > 10_000 && random.nextInt(4) != 0 ? text.substring(0, 2100) : text);
                }
                case 2, 3 -> {
                    Object n = NASTY_NUMBERS[random.nextInt(NASTY_NUMBERS.length)];
                    yield n instanceof BigInteger b ? f.numberNode(b) : n instanceof java.math.BigDecimal d ? f.numberNode(d)
                            : n instanceof Double d ? f.numberNode(d) : n instanceof Long l ? f.numberNode(l) : f.numberNode((Integer) n);
                }
                case 4 -> f.booleanNode(random.nextBoolean());
                case 5 -> f.nullNode();
                case 6 -> {
                    ArrayNode array = f.arrayNode();
                    int size = random.nextInt(3) == 0 ? 600 : random.nextInt(4);
                    for (int i = 0; i < size; i++) {
                        array.add(f.objectNode().put("Data", "AAAA").put("PartitionKey", "k" + i));
                    }
                    yield array;
                }
                default -> {
                    JsonNode nested = f.objectNode();
                    int depth = random.nextInt(10) == 0 ? 990 : random.nextInt(20); // Jackson writes at most 1000 levels
                    for (int i = 0; i < depth; i++) {
                        nested = f.objectNode().set("x", nested);
                    }
                    yield nested;
                }
            };
        }

        private static byte[] mutateBytes(byte[] body, Random random) {
            byte[] out = body.length == 0 ? new byte[] {'{'} : body.clone();
            switch (random.nextInt(5)) {
                case 4 -> {
                    // Nesting far deeper than any parser allows, as raw JSON.
                    int depth = 1000 + random.nextInt(100_000);
                    String open = random.nextBoolean() ? "[" : "{\"a\":";
                    out = (open.repeat(depth) + "1").getBytes(StandardCharsets.US_ASCII);
                }
                case 0 -> {
                    for (int i = 0; i < 1 + random.nextInt(5); i++) {
                        out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length + 1));
                case 2 -> {
                    byte[] noise = new byte[1 + random.nextInt(64)];
                    random.nextBytes(noise);
                    int at = random.nextInt(out.length + 1);
                    out = concat(java.util.Arrays.copyOf(out, at), noise, java.util.Arrays.copyOfRange(out, at, out.length));
                }
                default -> {
                    int size = random.nextInt(40) == 0 ? 2 * 1024 * 1024 : 1 + random.nextInt(4096);
                    out = new byte[size];
                    random.nextBytes(out);
                }
            }
            return out;
        }

        private static List<String[]> mutateHeaders(List<String[]> headers, Random random) {
            List<String[]> out = new ArrayList<>();
            for (String[] header : headers) {
                int what = random.nextInt(6);
                if (what == 0) {
                    continue;
                }
                if (what == 1 && header[0].equals("Content-Type")) {
                    out.add(new String[] {header[0], CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]});
                } else if (what == 1 && header[0].equals("X-Amz-Target")) {
                    out.add(new String[] {header[0], TARGETS[random.nextInt(TARGETS.length)]});
                } else {
                    out.add(header);
                }
            }
            out.add(EXTRA_HEADERS[random.nextInt(EXTRA_HEADERS.length)]);
            return out;
        }

        private static String mutatePath(String path, Random random) {
            String[] pieces = {"/fuzz-bucket/", "/fuzz-bucket/%01key", "/fuzz-bucket/%", "/fuzz-bucket/%zz", "/fuzz-bucket/%00",
                    "/fuzz-bucket/../../x", "/fuzz-bucket/" + "k".repeat(1100), "/fuzz-bucket/a%2F..%2F..%2Fb", "/Bad_Bucket/x",
                    "/fuzz-bucket/%C0%AF", "/fuzz-bucket/%ED%A0%80", "//", "/fuzz-bucket//x", "/" + "b".repeat(70), "/fuzz-bucket/\u0001",
                    "/fuzz-bucket/a?b", "/fuzz-bucket/%E2%82", "/fuzz-bucket/.", "/fuzz-bucket/..", "*", "/fuzz-bucket/a b"};
            String piece = pieces[random.nextInt(pieces.length)];
            return random.nextBoolean() ? piece : path + piece.substring(1);
        }

        private static byte[] chunkedBody(Random random) {
            String[] sizes = {"-10", "ffffffff", "7fffffff", "80000000", "zz", "", "5", "3", "10", "0", "-0", "+5", "5 ", "00000005"};
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 1 + random.nextInt(3); i++) {
                body.append(sizes[random.nextInt(sizes.length)]).append(";chunk-signature=x\r\nhello");
                if (random.nextBoolean()) {
                    body.append("\r\n");
                }
            }
            if (random.nextBoolean()) {
                body.append("0;chunk-signature=y\r\n");
                if (random.nextBoolean()) {
                    body.append("x-amz-checksum-crc32:").append(random.nextBoolean() ? "AAAAAA==" : "%%").append("\r\n");
                }
                body.append("\r\n");
            }
            return body.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        private static byte[] brokenText(JsonNode json, boolean cbor, Random random) {
            String marker = "MARKER";
            JsonNode copy = json.deepCopy();
            List<JsonNode> containers = new ArrayList<>();
            collect(copy, containers);
            JsonNode container = containers.get(random.nextInt(containers.size()));
            if (container instanceof ObjectNode object) {
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                object.put(names.isEmpty() ? "StreamName" : names.get(random.nextInt(names.size())), marker);
            } else {
                ((ArrayNode) container).add(marker);
            }
            byte[] encoded = encode(copy, cbor);
            byte[][] replacements = {{(byte) 0xED, (byte) 0xA0, (byte) 0x80, 'x', 'y', 'z'}, {(byte) 0xC0, (byte) 0xAF, 'a', 'b', 'c', 'd'},
                    {(byte) 0xFF, (byte) 0xFE, (byte) 0xFD, 'a', 'b', 'c'}, {'\\', 'u', 'D', '8', '0', '0'}, {0, 1, 2, 3, 4, 5}};
            byte[] replacement = replacements[random.nextInt(replacements.length)];
            byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i + needle.length <= encoded.length; i++) {
                if (java.util.Arrays.equals(encoded, i, i + needle.length, needle, 0, needle.length)) {
                    System.arraycopy(replacement, 0, encoded, i, needle.length);
                    break;
                }
            }
            return encoded;
        }

        private static byte[] rawHttpDamage(byte[] request, Random random) {
            String[] garbage = {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "GARBAGE\r\n\r\n",
                    "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello", "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n",
                    "GET / HTTP/1.1\r\nX: " + "b".repeat(70_000) + "\r\n\r\n", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                    "GET / HTTP/9.9\r\n\r\n", "\r\n\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n"};
            if (random.nextBoolean()) {
                return garbage[random.nextInt(garbage.length)].getBytes(StandardCharsets.ISO_8859_1);
            }
            byte[] out = request.clone();
            int headEnd = Math.min(out.length, 200);
            out[random.nextInt(Math.max(1, headEnd))] = (byte) random.nextInt(256);
            return out;
        }
    }

    // ------------------------------------------------------------------ raw HTTP

    record Answer(int status, boolean close, byte[] body) {
        String preview() {
            return new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        }
    }

    /** One keep-alive connection; reads answers framed by Content-Length (the engine always sends one). */
    static final class RawConnection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        RawConnection(int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(ANSWER_BOUND_MILLIS);
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }

        /** The answer, or null if the engine closed the connection without one. */
        Answer exchange(byte[] request, String method) throws IOException {
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The engine may refuse and close before reading everything; its answer may still be there.
            }
            int status;
            do {
                String statusLine = readLine();
                if (statusLine == null) {
                    return null;
                }
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                    throw new IOException("Not an HTTP answer: " + statusLine);
                }
                status = Integer.parseInt(parts[1]);
                if (status < 200) {
                    String interim;
                    while ((interim = readLine()) != null && !interim.isEmpty()) {
                        // headers of an interim answer (100 Continue)
                    }
                }
            } while (status < 200);
            int length = 0;
            boolean close = false;
            String line;
            while ((line = readLine()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = Integer.parseInt(value);
                } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                    close = true;
                }
            }
            byte[] body = "HEAD".equals(method) ? new byte[0] : in.readNBytes(length);
            return new Answer(status, close, body);
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
