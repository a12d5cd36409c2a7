package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import memberstream.engine.EngineProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * SubscribeToShard end to end: the AWS SDK's async client (its default, HTTP/2) and its
 * {@link SubscribeToShardResponseHandler} against the engine over HTTP; also over HTTP/1.1 (chunked).
 */
class FanOutOverHttpTest {

    @TempDir
    Path directory;

    LocalKinesis engine;
    KinesisClient kinesis;
    KinesisAsyncClient async;
    String consumerArn;

    @BeforeEach
    void start() {
        engine = new LocalKinesis(directory, EngineProperties.defaults().withPort(0).withStatusDelay(Duration.ZERO),
                Clock.systemUTC());
        kinesis = engine.client(false);
        async = asyncClient(engine.server.port());
        kinesis.createStream(b -> b.streamName("members").shardCount(1));
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().streamARN();
        consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("tail")).consumer().consumerARN();
    }

    /** The SDK's default async client: Netty, HTTP/2 with prior knowledge against an http:// endpoint. */
    static KinesisAsyncClient asyncClient(int port) {
        return KinesisAsyncClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    @AfterEach
    void stop() {
        async.close();
        engine.close();
    }

    /** What one subscription saw. */
    static final class Seen {
        final List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
        final List<String> data = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        String lastContinuation() {
            return events.get(events.size() - 1).continuationSequenceNumber();
        }
    }

    CompletableFuture<Void> subscribe(StartingPosition position, String shardId, Seen seen) {
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .onError(seen.errors::add)
                .subscriber(event -> {
                    if (event instanceof SubscribeToShardEvent shardEvent) {
                        seen.events.add(shardEvent);
                        shardEvent.records().forEach(r -> seen.data.add(r.data().asUtf8String()));
                    }
                })
                .build();
        return async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId).startingPosition(position), handler);
    }

    void put(String text) {
        kinesis.putRecord(b -> b.streamName("members").partitionKey("k").data(SdkBytes.fromUtf8String(text)));
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void recordsArriveAndAResubscriptionFromTheContinuationGoesOnWhereTheFirstStopped() throws Exception {
        put("one");
        Seen first = new Seen();
        CompletableFuture<Void> firstDone = subscribe(StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build(),
                "shardId-000000000000", first);
        await("the stored record", () -> first.data.size() == 1);
        put("two");
        await("the pushed record", () -> first.data.size() == 2);
        assertThat(first.data).containsExactly("one", "two");
        assertThat(first.errors).isEmpty();

        Thread.sleep(5_100); // a takeover is refused for five seconds
        String continuation = first.lastContinuation();
        Seen second = new Seen();
        subscribe(StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(continuation).build(),
                "shardId-000000000000", second);
        await("the first subscription to end", firstDone::isDone);
        put("three");
        await("the next record", () -> second.data.size() == 1);
        assertThat(second.data).containsExactly("three");
    }

    @Test
    void overHttp11TheEventStreamIsAChunkedBody() throws Exception {
        async.close();
        async = KinesisAsyncClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + engine.server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).build())
                .build();
        put("one");
        Seen seen = new Seen();

        subscribe(StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build(), "shardId-000000000000", seen);

        await("the record", () -> seen.data.size() == 1);
        assertThat(seen.data).containsExactly("one");
        assertThat(seen.errors).isEmpty();
    }

    @Test
    void theEndOfAClosedShardBringsItsChildShards() throws Exception {
        put("before");
        kinesis.splitShard(b -> b.streamName("members").shardToSplit("shardId-000000000000")
                .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));
        Seen seen = new Seen();

        CompletableFuture<Void> done = subscribe(StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build(),
                "shardId-000000000000", seen);

        done.get(10, TimeUnit.SECONDS);
        assertThat(seen.data).containsExactly("before");
        SubscribeToShardEvent last = seen.events.get(seen.events.size() - 1);
        assertThat(last.continuationSequenceNumber()).isNull();
        assertThat(last.childShards()).extracting(c -> c.shardId())
                .containsExactlyInAnyOrder("shardId-000000000001", "shardId-000000000002");
    }
}
