package memberstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import memberstream.KinesisWireProtocol;
import memberstream.MutableClock;
import memberstream.engine.firehose.FirehoseRoute;
import memberstream.engine.firehose.FirehoseService;
import memberstream.engine.firehose.KinesisRouteSourceReader;
import memberstream.engine.kinesis.KinesisService;
import memberstream.engine.protocol.FrontDoor;
import memberstream.engine.s3.S3ObjectStore;
import memberstream.engine.s3.S3Route;
import memberstream.engine.storage.FsyncPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The front door's SigV4, Host and Origin checks, end to end: the AWS SDK's own clients (sync and async,
 * JSON and CBOR, S3 with signed aws-chunked bodies and presigned URLs) against an engine whose front door
 * runs on a clock the test moves, plus hand-made raw requests for what an SDK never sends (foreign
 * Host, a browser's Origin).
 */
class SignedRequestsTest {

    private static final String ALLOWED_ORIGIN = "http://localhost:5173";

    private static final MutableClock doorClock = new MutableClock(Instant.now());
    private static KinesisService kinesis;
    private static FirehoseService firehose;
    private static EngineServer server;
    private static final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        Path directory = Path.of("target/test-data/signed-requests").toAbsolutePath();
        TestEngine.deleteRecursively(directory);
        Clock services = Clock.systemUTC();
        kinesis = new KinesisService(directory.resolve("kinesis"), EngineProperties.defaults()
                .withThroughputLimits(false).withStatusDelay(Duration.ZERO), services, 16L * 1024 * 1024);
        S3ObjectStore store = new S3ObjectStore(directory.resolve("s3"), services);
        firehose = new FirehoseService(directory.resolve("firehose"), store, services, FsyncPolicy.EVERY_BATCH,
                Duration.ofSeconds(5), new KinesisRouteSourceReader(kinesis));
        FrontDoor door = new FrontDoor(FrontDoor.Auth.SIGV4, Map.of("test", "test", "ci", "ci-secret"), "127.0.0.1",
                List.of("engine.test"), List.of(ALLOWED_ORIGIN), doorClock);
        server = new EngineServer(List.of(kinesis, new FirehoseRoute(firehose), new S3Route(store)), "127.0.0.1", 0, 4, door)
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        server.close();
        firehose.close();
        kinesis.close();
    }

    @AfterEach
    void clockBackToNow() {
        SdkGlobalTime.setGlobalTimeOffset(0);
        doorClock.advance(Duration.between(doorClock.instant(), Instant.now()));
    }

    private static URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private static <T extends AutoCloseable> T keep(T client) {
        clients.add(client);
        return client;
    }

    private static StaticCredentialsProvider credentials(String id, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
    }

    /** A client without retries, so that a refusal surfaces as it is; CBOR unless {@code json}. */
    private static KinesisClient kinesisClient(boolean json, String id, String secret) {
        return keep(KinesisWireProtocol.building(json, () -> KinesisClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(credentials(id, secret)).httpClient(ApacheHttpClient.create())
                    .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                    .build()));
    }

    private static S3Client s3Client(String id, String secret, List<String> sentPayloadHashes) {
        return keep(S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(credentials(id, secret)).httpClient(ApacheHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1))
                        .addExecutionInterceptor(new ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                                context.httpRequest().firstMatchingHeader("x-amz-content-sha256").ifPresent(sentPayloadHashes::add);
                            }
                        }))
                .build());
    }

    private static S3Client s3Client(String id, String secret) {
        return s3Client(id, secret, new CopyOnWriteArrayList<>());
    }

    private static void assertKinesisRefusal(Runnable call, String code, int status) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KinesisException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.statusCode()).isEqualTo(status);
        });
    }

    private static void assertS3Refusal(Runnable call, String code, int status) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.statusCode()).isEqualTo(status);
        });
    }

    @Test
    void kinesisSyncClientsInJsonAndCborWorkWithTheRightPairAndAreRefusedWithWrongOnes() {
        for (boolean json : new boolean[] {true, false}) {
            String stream = json ? "signed-json" : "signed-cbor";
            KinesisClient right = kinesisClient(json, "test", "test");
            right.createStream(b -> b.streamName(stream).shardCount(1));
            assertThat(right.listStreams().streamNames()).contains(stream);
            // The PutRecords fast path is behind the same check.
            assertThat(right.putRecords(b -> b.streamName(stream).records(PutRecordsRequestEntry.builder()
                    .partitionKey("k").data(SdkBytes.fromUtf8String("v")).build())).failedRecordCount()).isZero();
            assertThat(kinesisClient(json, "ci", "ci-secret").listStreams().streamNames()).contains(stream);

            assertKinesisRefusal(() -> kinesisClient(json, "test", "wrong").listStreams(), "InvalidSignatureException", 400);
            assertKinesisRefusal(() -> kinesisClient(json, "test", "wrong").putRecords(b -> b.streamName(stream)
                    .records(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromUtf8String("v")).build())),
                    "InvalidSignatureException", 400);
            assertKinesisRefusal(() -> kinesisClient(json, "nobody", "test").listStreams(), "UnrecognizedClientException", 400);
        }
    }

    @Test
    void theAsyncKinesisClientWorksWithTheRightPairAndIsRefusedWithAWrongSecret() {
        for (boolean json : new boolean[] {true, false}) {
            String previous = System.getProperty("aws.cborEnabled");
            System.setProperty("aws.cborEnabled", Boolean.toString(!json));
            try {
                String stream = json ? "signed-async-json" : "signed-async-cbor";
                KinesisAsyncClient right = keep(KinesisAsyncClient.builder().endpointOverride(endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials("test", "test")).build());
                right.createStream(b -> b.streamName(stream).shardCount(1)).join();
                assertThat(right.listStreams().join().streamNames()).contains(stream);
                assertThat(right.putRecords(b -> b.streamName(stream).records(PutRecordsRequestEntry.builder()
                        .partitionKey("k").data(SdkBytes.fromUtf8String("v")).build())).join().failedRecordCount()).isZero();

                KinesisAsyncClient wrong = keep(KinesisAsyncClient.builder().endpointOverride(endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials("test", "wrong"))
                        .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1))).build());
                assertThatThrownBy(() -> wrong.listStreams().join()).isInstanceOf(CompletionException.class)
                        .cause().isInstanceOfSatisfying(KinesisException.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException"));
            } finally {
                if (previous == null) {
                    System.clearProperty("aws.cborEnabled");
                } else {
                    System.setProperty("aws.cborEnabled", previous);
                }
            }
        }
    }

    @Test
    void firehoseChecksSignaturesToo() {
        FirehoseClient right = keep(FirehoseClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials("test", "test")).httpClient(ApacheHttpClient.create()).build());
        assertThat(right.listDeliveryStreams().deliveryStreamNames()).isNotNull();
        FirehoseClient wrong = keep(FirehoseClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials("test", "wrong")).httpClient(ApacheHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1))).build());
        assertThatThrownBy(wrong::listDeliveryStreams).isInstanceOfSatisfying(FirehoseException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
            assertThat(e.statusCode()).isEqualTo(400);
        });
    }

    @Test
    void s3RefusesWrongSecretsAndUnknownKeysInItsXml() {
        S3Client right = s3Client("test", "test");
        right.createBucket(b -> b.bucket("signed-s3"));
        right.putObject(b -> b.bucket("signed-s3").key("k"), RequestBody.fromString("v"));
        assertThat(right.getObjectAsBytes(b -> b.bucket("signed-s3").key("k")).asUtf8String()).isEqualTo("v");

        assertS3Refusal(() -> s3Client("test", "wrong").getObjectAsBytes(b -> b.bucket("signed-s3").key("k")),
                "SignatureDoesNotMatch", 403);
        assertS3Refusal(() -> s3Client("test", "wrong").putObject(b -> b.bucket("signed-s3").key("k"),
                RequestBody.fromString("overwritten")), "SignatureDoesNotMatch", 403);
        assertS3Refusal(() -> s3Client("nobody", "test").listBuckets(), "InvalidAccessKeyId", 403);
        assertThat(right.getObjectAsBytes(b -> b.bucket("signed-s3").key("k")).asUtf8String()).isEqualTo("v");
    }

    @Test
    void unsignedRequestsAreRefusedInEachProtocol() {
        RawHttp.Answer kinesisAnswer = RawHttp.request(server.port(), "POST", "/")
                .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .header("Content-Type", "application/x-amz-json-1.1").body("{}").send();
        assertThat(kinesisAnswer.status()).isEqualTo(403);
        assertThat(kinesisAnswer.body()).contains("\"__type\":\"MissingAuthenticationTokenException\"")
                .contains("Missing Authentication Token");

        RawHttp.Answer s3Answer = RawHttp.request(server.port(), "GET", "/").send();
        assertThat(s3Answer.status()).isEqualTo(403);
        assertThat(s3Answer.body()).contains("<Code>AccessDenied</Code>");
        assertThat(s3Answer.header("Content-Type")).isEqualTo("application/xml");

        // The AWS CLI v1 presigns with Signature Version 2 unless told otherwise; say how to fix that.
        RawHttp.Answer version2 = RawHttp.request(server.port(), "GET", "/bucket/key?AWSAccessKeyId=test&Signature=abc%3D&Expires=1")
                .send();
        assertThat(version2.status()).isEqualTo(400);
        assertThat(version2.body()).contains("<Code>InvalidRequest</Code>").contains("signature_version s3v4");
    }

    @Test
    void aRequestSixteenMinutesOffTheEnginesClockIsRefused() {
        s3Client("test", "test").createBucket(b -> b.bucket("skew"));
        doorClock.advance(Duration.ofMinutes(16));

        // After a skew refusal the SDK corrects its (JVM-wide) clock offset from the answer's Date, as against
        // AWS; forget that correction before each call, so each one is signed with this machine's time.
        SdkGlobalTime.setGlobalTimeOffset(0);
        assertKinesisRefusal(() -> kinesisClient(true, "test", "test").listStreams(), "InvalidSignatureException", 400);
        SdkGlobalTime.setGlobalTimeOffset(0);
        assertThatThrownBy(() -> kinesisClient(true, "test", "test").listStreams()).hasMessageContaining("Signature expired");
        SdkGlobalTime.setGlobalTimeOffset(0);
        assertKinesisRefusal(() -> kinesisClient(false, "test", "test").listStreams(), "InvalidSignatureException", 400);
        SdkGlobalTime.setGlobalTimeOffset(0);
        assertS3Refusal(() -> s3Client("test", "test").listObjectsV2(b -> b.bucket("skew")), "RequestTimeTooSkewed", 403);

        // The corrected SDK's next call goes through.
        assertThat(kinesisClient(true, "test", "test").listStreams().streamNames()).isNotNull();
        SdkGlobalTime.setGlobalTimeOffset(0);

        doorClock.advance(Duration.ofMinutes(-2));
        assertThat(s3Client("test", "test").listObjectsV2(b -> b.bucket("skew")).contents()).isEmpty();
        assertThat(kinesisClient(false, "test", "test").listStreams().streamNames()).isNotNull();
    }

    @Test
    void aPresignedGetWorksUntilItExpires() throws Exception {
        S3Client s3 = s3Client("test", "test");
        s3.createBucket(b -> b.bucket("presigned"));
        s3.putObject(b -> b.bucket("presigned").key("report.txt"), RequestBody.fromString("quarterly numbers"));
        URI url;
        try (S3Presigner presigner = S3Presigner.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials("test", "test"))
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build()) {
            url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(10))
                    .getObjectRequest(g -> g.bucket("presigned").key("report.txt"))).url().toURI();
        }
        assertThat(url.getQuery()).contains("X-Amz-Signature=").contains("X-Amz-Expires=600");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> valid = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(valid.body()).isEqualTo("quarterly numbers");

        HttpResponse<String> tampered = http.send(HttpRequest.newBuilder(URI.create(url.toString()
                .replace("report.txt", "other.txt"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(tampered.body()).contains("<Code>SignatureDoesNotMatch</Code>");

        doorClock.advance(Duration.ofMinutes(11));
        HttpResponse<String> expired = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(expired.body()).contains("<Code>AccessDenied</Code>").contains("<Message>Request has expired</Message>");
    }

    @Test
    void theSdksSignedChunkedUploadIsVerifiedChunkByChunk() {
        List<String> sentHashes = new CopyOnWriteArrayList<>();
        S3Client s3 = s3Client("test", "test", sentHashes);
        s3.createBucket(b -> b.bucket("chunked"));
        byte[] payload = new byte[300 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        s3.putObject(b -> b.bucket("chunked").key("big.bin"), RequestBody.fromBytes(payload));
        assertThat(sentHashes.get(sentHashes.size() - 1)).startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("chunked").key("big.bin")).asByteArray()).isEqualTo(payload);
    }

    @Test
    void aChunkWhoseBytesWereChangedIsRefused() {
        s3Client("test", "test").createBucket(b -> b.bucket("tampered"));
        byte[] payload = "first version of the object, long enough to matter".getBytes(StandardCharsets.UTF_8);
        RawHttp good = RawHttp.request(server.port(), "PUT", "/tampered/object").body(payload)
                .sign("s3", "test", "test", Clock.systemUTC(), true);
        assertThat(good.send().status()).isEqualTo(200);

        RawHttp bad = RawHttp.request(server.port(), "PUT", "/tampered/object")
                .body("second version of the object, long enough to matter")
                .sign("s3", "test", "test", Clock.systemUTC(), true);
        byte[] body = bad.body();
        String text = new String(body, StandardCharsets.ISO_8859_1);
        body[text.indexOf("second")] = 'S';
        RawHttp.Answer refused = bad.body(body).send();
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("<Code>SignatureDoesNotMatch</Code>");
        assertThat(s3Client("test", "test").getObjectAsBytes(b -> b.bucket("tampered").key("object")).asByteArray())
                .isEqualTo(payload);
    }

    @Test
    void aVirtualHostedPutObjectLandsInItsBucket() {
        S3Client virtualHosted = keep(S3Client.builder()
                .endpointOverride(URI.create("http://localhost:" + server.port())).region(Region.US_EAST_1)
                .credentialsProvider(credentials("test", "test"))
                // <bucket>.localhost resolves to loopback, whatever this machine's resolver says.
                .httpClient(ApacheHttpClient.builder().dnsResolver(host -> new InetAddress[] {InetAddress.getLoopbackAddress()})
                        .build())
                .build());
        virtualHosted.createBucket(b -> b.bucket("vhost"));
        virtualHosted.putObject(b -> b.bucket("vhost").key("notes/greeting.txt"), RequestBody.fromString("hello"));

        S3Client pathStyle = s3Client("test", "test");
        assertThat(pathStyle.getObjectAsBytes(b -> b.bucket("vhost").key("notes/greeting.txt")).asUtf8String()).isEqualTo("hello");
        assertThat(pathStyle.listBuckets().buckets()).extracting(b -> b.name()).contains("vhost").doesNotContain("notes");
        assertThat(virtualHosted.listObjectsV2(b -> b.bucket("vhost")).contents()).extracting(o -> o.key())
                .containsExactly("notes/greeting.txt");
    }

    @Test
    void aForeignHostIsRefusedEvenWhenSigned() {
        RawHttp.Answer s3 = RawHttp.request(server.port(), "GET", "/").host("rebound.example:" + server.port())
                .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD").sign("s3", "test", "test", Clock.systemUTC()).send();
        assertThat(s3.status()).isEqualTo(403);
        assertThat(s3.body()).contains("<Code>AccessDenied</Code>").contains("rebound.example");

        RawHttp.Answer kinesisAnswer = RawHttp.request(server.port(), "POST", "/").host("rebound.example:" + server.port())
                .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .header("Content-Type", "application/x-amz-json-1.1").body("{}")
                .sign("kinesis", "test", "test", Clock.systemUTC()).send();
        assertThat(kinesisAnswer.status()).isEqualTo(403);
        assertThat(kinesisAnswer.body()).contains("AccessDeniedException");

        RawHttp.Answer configured = RawHttp.request(server.port(), "GET", "/").host("engine.test:" + server.port())
                .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD").sign("s3", "test", "test", Clock.systemUTC()).send();
        assertThat(configured.status()).isEqualTo(200);
        assertThat(configured.body()).contains("<ListAllMyBucketsResult");
    }

    @Test
    void aCrossOriginSimplePostCannotDeleteAnObject() {
        S3Client s3 = s3Client("test", "test");
        s3.createBucket(b -> b.bucket("victim"));
        s3.putObject(b -> b.bucket("victim").key("doc"), RequestBody.fromString("keep me"));
        String delete = "<Delete><Object><Key>doc</Key></Object></Delete>";
        // What a page on another localhost origin can send: a "simple" POST. Even signed with the well-known pair.
        RawHttp.Answer unsigned = RawHttp.request(server.port(), "POST", "/victim?delete")
                .header("Origin", "http://localhost:8081").header("Content-Type", "text/plain").body(delete).send();
        RawHttp.Answer signed = RawHttp.request(server.port(), "POST", "/victim?delete")
                .header("Origin", "http://localhost:8081").header("Content-Type", "text/plain").body(delete)
                .sign("s3", "test", "test", Clock.systemUTC()).send();
        for (RawHttp.Answer answer : List.of(unsigned, signed)) {
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.body()).contains("<Code>AccessForbidden</Code>");
            assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
        }
        // A no-cors request (an image, a form) names no Origin but says where it came from.
        RawHttp.Answer noCors = RawHttp.request(server.port(), "GET", "/victim/doc").header("Sec-Fetch-Site", "cross-site")
                .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD").sign("s3", "test", "test", Clock.systemUTC()).send();
        assertThat(noCors.status()).isEqualTo(403);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("victim").key("doc")).asUtf8String()).isEqualTo("keep me");
    }

    @Test
    void aConfiguredOriginGetsItsPreflightAndCorsHeaders() {
        RawHttp.Answer preflight = RawHttp.request(server.port(), "OPTIONS", "/cors/file.txt")
                .header("Origin", ALLOWED_ORIGIN).header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "authorization,x-amz-date,x-amz-content-sha256").send();
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("PUT");
        assertThat(preflight.header("Access-Control-Allow-Headers")).contains("x-amz-date");

        RawHttp.Answer otherPreflight = RawHttp.request(server.port(), "OPTIONS", "/cors/file.txt")
                .header("Origin", "http://localhost:8081").header("Access-Control-Request-Method", "PUT").send();
        assertThat(otherPreflight.status()).isEqualTo(403);
        assertThat(otherPreflight.header("Access-Control-Allow-Origin")).isNull();

        RawHttp.Answer listing = RawHttp.request(server.port(), "GET", "/").header("Origin", ALLOWED_ORIGIN)
                .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD").sign("s3", "test", "test", Clock.systemUTC()).send();
        assertThat(listing.status()).isEqualTo(200);
        assertThat(listing.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
        assertThat(listing.header("Access-Control-Expose-Headers")).contains("ETag");
    }

    @Test
    void withAuthNoneUnsignedRequestsPassButHostAndOriginAreStillChecked() {
        try (EngineServer open = new EngineServer(List.of(kinesis), "127.0.0.1", 0, 2,
                FrontDoor.unsigned("127.0.0.1", doorClock)).start()) {
            RawHttp.Answer listed = RawHttp.request(open.port(), "POST", "/")
                    .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                    .header("Content-Type", "application/x-amz-json-1.1").body("{}").send();
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.body()).contains("StreamNames");

            RawHttp.Answer crossOrigin = RawHttp.request(open.port(), "POST", "/")
                    .header("Origin", "http://localhost:8081")
                    .header("X-Amz-Target", "Kinesis_20131202.DeleteStream")
                    .header("Content-Type", "application/x-amz-json-1.1").body("{\"StreamName\":\"signed-json\"}").send();
            assertThat(crossOrigin.status()).isEqualTo(403);
            RawHttp.Answer foreignHost = RawHttp.request(open.port(), "POST", "/").host("rebound.example")
                    .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                    .header("Content-Type", "application/x-amz-json-1.1").body("{}").send();
            assertThat(foreignHost.status()).isEqualTo(403);
        }
    }
}
