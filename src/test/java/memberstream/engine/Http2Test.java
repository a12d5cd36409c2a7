package memberstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * HTTP/2 on the engine's port, through the AWS SDK's own async clients (Netty, HTTP/2 with prior knowledge
 * for {@code http://} endpoints) and java.net.http (which upgrades with {@code Upgrade: h2c}); HTTP/1.1
 * clients on the same port keep working.
 */
class Http2Test {

    private TestEngine engine;
    private final List<AutoCloseable> clients = new java.util.ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private <T extends AutoCloseable> T keep(T client) {
        clients.add(client);
        return client;
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }

    private SdkAsyncHttpClient http2() {
        return keep(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2).build());
    }

    @Test
    void theAsyncKinesisClientOnItsDefaultHttp2AndTheSyncClientOnHttp11ShareThePort() {
        engine = new TestEngine("http2-kinesis", true);
        // No HTTP client named: the Kinesis async client's default is Netty speaking HTTP/2.
        KinesisAsyncClient async = keep(KinesisAsyncClient.builder().endpointOverride(engine.endpoint())
                .region(Region.US_EAST_1).credentialsProvider(credentials()).build());

        async.createStream(b -> b.streamName("h2").shardCount(2)).join();
        assertThat(async.describeStreamSummary(b -> b.streamName("h2")).join().streamDescriptionSummary()
                .openShardCount()).isEqualTo(2);
        List<String> shards = async.listShards(b -> b.streamName("h2")).join().shards().stream()
                .map(shard -> shard.shardId()).toList();
        assertThat(shards).hasSize(2);
        String first = async.putRecord(b -> b.streamName("h2").partitionKey("k").data(SdkBytes.fromUtf8String("one")))
                .join().shardId();
        List<PutRecordsRequestEntry> entries = IntStream.range(0, 50).mapToObj(i -> PutRecordsRequestEntry.builder()
                .partitionKey("k").data(SdkBytes.fromUtf8String("batch-" + i)).build()).toList();
        assertThat(async.putRecords(b -> b.streamName("h2").records(entries)).join().failedRecordCount()).isZero();
        String iterator = async.getShardIterator(b -> b.streamName("h2").shardId(first)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
        GetRecordsResponse records = async.getRecords(b -> b.shardIterator(iterator)).join();
        assertThat(records.records()).extracting(Record::data).extracting(SdkBytes::asUtf8String)
                .startsWith("one", "batch-0", "batch-1").hasSize(51);
        assertThat(engine.server.http2Connections()).isPositive();

        // An error stays in Kinesis's own shape over HTTP/2.
        assertThatThrownBy(() -> async.describeStreamSummary(b -> b.streamName("missing")).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException.class);

        long http2Before = engine.server.http2Connections();
        assertThat(engine.kinesisClient().listShards(b -> b.streamName("h2")).shards()).hasSize(2);
        assertThat(engine.server.http2Connections()).isEqualTo(http2Before);
    }

    @Test
    void signedS3AndFirehoseCallsOverHttp2() {
        engine = new TestEngine("http2-s3-firehose");
        S3AsyncClient s3 = keep(S3AsyncClient.builder().endpointOverride(engine.endpoint()).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(credentials()).httpClient(http2()).build());
        s3.createBucket(b -> b.bucket("h2-bucket")).join();
        s3.putObject(b -> b.bucket("h2-bucket").key("a/b.txt"), AsyncRequestBody.fromString("over h2")).join();
        assertThat(s3.getObject(b -> b.bucket("h2-bucket").key("a/b.txt"), AsyncResponseTransformer.toBytes()).join()
                .asUtf8String()).isEqualTo("over h2");
        assertThat(s3.listObjectsV2(b -> b.bucket("h2-bucket")).join().contents()).hasSize(1);
        assertThat(s3.headObject(b -> b.bucket("h2-bucket").key("a/b.txt")).join().contentLength()).isEqualTo(7);
        assertThatThrownBy(() -> s3.getObject(b -> b.bucket("h2-bucket").key("missing"), AsyncResponseTransformer.toBytes())
                .join()).hasCauseInstanceOf(software.amazon.awssdk.services.s3.model.NoSuchKeyException.class);

        FirehoseAsyncClient firehose = keep(FirehoseAsyncClient.builder().endpointOverride(engine.endpoint())
                .region(Region.US_EAST_1).credentialsProvider(credentials()).httpClient(http2()).build());
        assertThat(firehose.listDeliveryStreams(b -> b.limit(10)).join().deliveryStreamNames()).isEmpty();
        assertThatThrownBy(() -> firehose.describeDeliveryStream(b -> b.deliveryStreamName("missing")).join())
                .hasCauseInstanceOf(ResourceNotFoundException.class);
        assertThat(engine.server.http2Connections()).isGreaterThanOrEqualTo(2);

        // A wrong secret is refused by the front door in the caller's protocol, over HTTP/2 too.
        S3AsyncClient wrong = keep(S3AsyncClient.builder().endpointOverride(engine.endpoint()).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClient(http2())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "wrong"))).build());
        assertThatThrownBy(() -> wrong.listBuckets().join()).cause()
                .isInstanceOfSatisfying(software.amazon.awssdk.services.s3.model.S3Exception.class, refused -> {
                    assertThat(refused.statusCode()).isEqualTo(403);
                    assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                });
    }

    @Test
    void javaNetHttpUpgradesToH2c() throws Exception {
        engine = new TestEngine("http2-upgrade", false, false);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        URI buckets = URI.create(engine.endpoint() + "/");
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(buckets).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(first.body()).contains("ListAllMyBucketsResult");

        HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(engine.endpoint() + "/upgraded"))
                .PUT(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.version()).isEqualTo(HttpClient.Version.HTTP_2);
        HttpResponse<String> listed = client.send(HttpRequest.newBuilder(buckets).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(listed.body()).contains("<Name>upgraded</Name>");
        assertThat(engine.server.http2Connections()).isEqualTo(1);
    }
}
