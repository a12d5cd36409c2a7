package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import memberstream.engine.EngineProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
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
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Closing the engine while SubscribeToShard subscriptions are open (over HTTP/2 and HTTP/1.1) and
 * records are being put: each subscription ends normally, as at the end of its five minutes, and
 * nothing is logged as a warning (Netty's "Unexpected exception from an event executor" was, when a
 * stream's teardown raced the shutdown of the server's threads).
 */
class FanOutShutdownTest {

    @TempDir
    Path directory;

    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void listen() {
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        root.detachAppender(logged);
    }

    @Test
    void closingTheEngineEndsOpenSubscriptionsNormallyAndQuietly() throws Exception {
        for (int round = 0; round < 4; round++) {
            closeWithSubscriptionsOpen(round % 2 == 0 ? Protocol.HTTP2 : Protocol.HTTP1_1, directory.resolve("round-" + round));
        }
        List<String> warnings = logged.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> !e.getThreadName().startsWith("aws-java-sdk")) // the client's view of the engine going away
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                .toList();
        assertThat(warnings).isEmpty();
    }

    private void closeWithSubscriptionsOpen(Protocol protocol, Path dir) throws Exception {
        LocalKinesis engine = new LocalKinesis(dir, EngineProperties.defaults().withPort(0).withStatusDelay(Duration.ZERO),
                Clock.systemUTC());
        KinesisClient kinesis = engine.client(false);
        try (KinesisAsyncClient async = KinesisAsyncClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + engine.server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(NettyNioAsyncHttpClient.builder().protocol(protocol).build())
                .build()) {
            kinesis.createStream(b -> b.streamName("members").shardCount(2));
            String streamArn = kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().streamARN();
            String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("tail")).consumer()
                    .consumerARN();
            List<CompletableFuture<Void>> subscriptions = List.of(subscribe(async, consumerArn, "shardId-000000000000"),
                    subscribe(async, consumerArn, "shardId-000000000001"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (engine.service.subscriptions().openCount() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(engine.service.subscriptions().openCount()).isEqualTo(2);
            Thread putter = new Thread(() -> {
                try {
                    for (int i = 0; i < 100_000; i++) {
                        kinesis.putRecord(b -> b.streamName("members").partitionKey("k" + System.nanoTime())
                                .data(SdkBytes.fromUtf8String("x")));
                    }
                } catch (RuntimeException engineClosed) {
                    // expected: the engine goes away under it
                }
            });
            putter.start();
            Thread.sleep(200);

            engine.server.close();
            engine.service.close();
            putter.join();

            for (CompletableFuture<Void> subscription : subscriptions) {
                subscription.get(10, TimeUnit.SECONDS); // ended normally, not cut off
            }
            assertThat(engine.service.subscriptions().openCount()).isZero();
        } finally {
            kinesis.close();
        }
    }

    private static CompletableFuture<Void> subscribe(KinesisAsyncClient async, String consumerArn, String shardId) {
        return async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
                        .startingPosition(StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build()),
                SubscribeToShardResponseHandler.builder().subscriber(event -> { }).build());
    }
}
