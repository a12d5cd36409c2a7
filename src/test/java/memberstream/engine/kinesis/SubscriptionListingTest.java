package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import memberstream.aws.SignedJsonCall;
import memberstream.engine.EngineProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/** The engine's read-only ListShardSubscriptions, signed as the console signs it, while the SDK's async client subscribes. */
class SubscriptionListingTest {

    @TempDir
    Path directory;

    @Test
    void anOpenSubscriptionIsListedWithItsConsumerShardStartAndPosition() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (LocalKinesis engine = new LocalKinesis(directory, EngineProperties.defaults().withPort(0).withStatusDelay(Duration.ZERO),
                Clock.systemUTC());
             KinesisAsyncClient async = FanOutOverHttpTest.asyncClient(engine.server.port());
             SdkHttpClient http = ApacheHttpClient.create()) {
            KinesisClient kinesis = engine.client(false);
            kinesis.createStream(b -> b.streamName("members").shardCount(2));
            String streamArn = kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().streamARN();
            String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("tail")).consumer().consumerARN();
            URI endpoint = URI.create("http://127.0.0.1:" + engine.server.port());
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
            String request = "{\"StreamARN\":\"" + streamArn + "\"}";

            SignedJsonCall.Answer none = SignedJsonCall.post(http, endpoint, credentials, Region.US_EAST_1, "kinesis",
                    "Kinesis_20131202.ListShardSubscriptions", request);
            assertThat(none.status()).isEqualTo(200);
            assertThat(json.readTree(none.body()).path("Subscriptions")).isEmpty();

            kinesis.putRecord(b -> b.streamName("members").partitionKey("k").explicitHashKey("0").data(SdkBytes.fromUtf8String("one")));
            Instant before = Instant.now().minusSeconds(1);
            FanOutOverHttpTest.Seen seen = new FanOutOverHttpTest.Seen();
            CompletableFuture<Void> done = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId("shardId-000000000000")
                    .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)), SubscribeToShardResponseHandler.builder()
                    .onError(seen.errors::add)
                    .subscriber(event -> {
                        if (event instanceof SubscribeToShardEvent e) {
                            seen.events.add(e);
                        }
                    }).build());
            FanOutOverHttpTest.await("the first event", () -> !seen.events.isEmpty());

            SignedJsonCall.Answer listed = SignedJsonCall.post(http, endpoint, credentials, Region.US_EAST_1, "kinesis",
                    "Kinesis_20131202.ListShardSubscriptions", request);
            assertThat(listed.status()).isEqualTo(200);
            JsonNode row = json.readTree(listed.body()).path("Subscriptions").get(0);
            assertThat(row.path("ConsumerName").asText()).isEqualTo("tail");
            assertThat(row.path("ConsumerARN").asText()).isEqualTo(consumerArn);
            assertThat(row.path("ShardId").asText()).isEqualTo("shardId-000000000000");
            assertThat(Instant.ofEpochMilli((long) (row.path("StartedAt").asDouble() * 1000))).isAfter(before);
            assertThat(row.path("ContinuationSequenceNumber").asText()).isEqualTo(seen.lastContinuation());
            assertThat(row.path("MillisBehindLatest").asLong(-1)).isZero();
            assertThat(json.readTree(listed.body()).path("Subscriptions")).hasSize(1);

            SignedJsonCall.Answer missing = SignedJsonCall.post(http, endpoint, credentials, Region.US_EAST_1, "kinesis",
                    "Kinesis_20131202.ListShardSubscriptions", "{}");
            assertThat(missing.status()).isEqualTo(400);
            SignedJsonCall.Answer unknown = SignedJsonCall.post(http, endpoint, credentials, Region.US_EAST_1, "kinesis",
                    "Kinesis_20131202.ListShardSubscriptions", "{\"StreamARN\":\"" + streamArn.replace("members", "nothing") + "\"}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.body()).contains("ResourceNotFoundException");
            done.cancel(true);
        }
    }
}
