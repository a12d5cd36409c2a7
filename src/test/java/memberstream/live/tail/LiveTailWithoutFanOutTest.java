package memberstream.live.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import memberstream.KinesisWireProtocol;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The live tail against a real Kinesis endpoint that has no enhanced fan-out ({@link EndpointWithoutFanOut}
 * in front of the engine, answering the fan-out calls "unknown operation" as kinesalite does): the
 * consumer falls back to polling GetRecords, says so in its status, and members' changes still reach
 * the feed; over CBOR (the SDK's default) and JSON. That fan-out is used where the endpoint has it is
 * {@link LiveTailFanOutTest}'s part.
 */
class LiveTailWithoutFanOutTest {

    TestEngine engine;
    EndpointWithoutFanOut endpoint;
    KinesisClient direct;
    final List<AutoCloseable> closeLast = new ArrayList<>();
    final List<LiveConsumerRunner> runners = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        engine = new TestEngine("live-tail-without-fan-out", true, false); // the endpoint rewrites Host: no signatures
        engine.setTime(Instant.now()); // the consumer paces its polling by the system clock
        endpoint = new EndpointWithoutFanOut(engine.endpoint());
        direct = engine.kinesisClient();
        direct.createStream(b -> b.streamName("members").shardCount(2));
    }

    @AfterEach
    void stop() throws Exception {
        runners.forEach(LiveConsumerRunner::stop);
        for (AutoCloseable closeable : closeLast) {
            closeable.close();
        }
        direct.close();
        endpoint.close();
        engine.close();
    }

    @Test
    void overCborTheTailFallsBackToPollingAndMembersChangesStillArrive() throws Exception {
        readsByPollingThroughAnEndpointWithoutFanOut(false);
    }

    @Test
    void overJsonTheTailFallsBackToPollingAndMembersChangesStillArrive() throws Exception {
        readsByPollingThroughAnEndpointWithoutFanOut(true);
    }

    private void readsByPollingThroughAnEndpointWithoutFanOut(boolean json) throws Exception {
        KinesisClient kinesis = syncClient(endpoint.endpoint(), json);
        KinesisAsyncClient async = asyncClient(endpoint.endpoint());
        LiveFeed feed = new LiveFeed(100, Clock.systemUTC());
        LiveConsumer consumer = new LiveConsumer(() -> kinesis, () -> async, LiveTailFanOutTest.CONSUMER,
                new LiveConsumerTest.MemoryCheckpoints(), () -> "members", feed, LiveProperties.defaults(), Clock.systemUTC());
        LiveConsumerRunner runner = new LiveConsumerRunner(consumer, feed, java.time.Duration.ofSeconds(30), true);
        runners.add(runner);
        feed.watch(); // as an open live tail does: the consumer reads only while watched
        runner.start();

        LiveTailFanOutTest.await("reading", () -> feed.status().state() == LiveStatus.State.READING
                && feed.status().message().contains("polling"));
        for (int member = 1; member <= 3; member++) {
            String id = String.valueOf(member);
            direct.putRecord(b -> b.streamName("members").partitionKey(id).data(SdkBytes.fromUtf8String(
                    "{\"specversion\":\"1.0\",\"type\":\"memberstream.member.created\",\"subject\":\"" + id
                            + "\",\"data\":{\"email\":\"m" + id + "@example.org\"}}")));
        }
        LiveTailFanOutTest.await("the three changes", () -> feed.recent(10).size() == 3);

        assertThat(feed.recent(10)).extracting(LiveRecord::eventType).containsOnly("memberstream.member.created");
        assertThat(feed.recent(10)).extracting(LiveRecord::member)
                .containsExactlyInAnyOrder("m1@example.org (1)", "m2@example.org (2)", "m3@example.org (3)");
        assertThat(consumer.mode()).isEqualTo(LiveConsumer.Mode.POLLING);
        assertThat(feed.status().message()).contains("Reading 2 shard(s) of members by polling GetRecords")
                .contains("UnknownOperationException");
        assertThat(endpoint.refused("DescribeStreamConsumer") + endpoint.refused("RegisterStreamConsumer")).isPositive();
        assertThat(endpoint.refused("SubscribeToShard")).isZero(); // given up before any subscription
        assertThat(endpoint.forwarded("GetRecords")).isPositive();
        String streamArn = direct.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().streamARN();
        assertThat(direct.listStreamConsumers(b -> b.streamARN(streamArn)).consumers()).isEmpty();
    }

    /**
     * Issue #11: an unwatched console makes no calls for the live tail. The runner starts idle, reads once
     * someone watches (catching up on what was put meanwhile, unannounced), and after the last watcher
     * left and the grace period passed it stops: not one call more while idle.
     */
    @Test
    void nobodyWatchingMeansNoCallsAndTheNextWatcherSeesWhatWasPutMeanwhile() throws Exception {
        KinesisClient kinesis = syncClient(endpoint.endpoint(), false);
        KinesisAsyncClient async = asyncClient(endpoint.endpoint());
        LiveFeed feed = new LiveFeed(100, Clock.systemUTC());
        LiveConsumer consumer = new LiveConsumer(() -> kinesis, () -> async, LiveTailFanOutTest.CONSUMER,
                new LiveConsumerTest.MemoryCheckpoints(), () -> "members", feed, LiveProperties.defaults(), Clock.systemUTC());
        LiveConsumerRunner runner = new LiveConsumerRunner(consumer, feed, java.time.Duration.ofMillis(300), true);
        runners.add(runner);
        runner.start();

        LiveTailFanOutTest.await("idle at start", () -> feed.status().state() == LiveStatus.State.IDLE);
        Thread.sleep(500);
        assertThat(endpoint.calls()).as("calls before anyone watched").isZero();
        put(1);
        put(2);

        List<LiveFeed.Update> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        Runnable watcher = feed.subscribe(told::add);
        LiveTailFanOutTest.await("the two records put before anyone watched", () -> feed.recent(10).size() == 2);
        LiveTailFanOutTest.await("reading", () -> feed.status().state() == LiveStatus.State.READING);
        put(3);
        LiveTailFanOutTest.await("the third", () -> feed.recent(10).size() == 3);
        assertThat(told).flatExtracting(LiveFeed.Update::records).extracting(LiveRecord::member)
                .containsExactly("m3@example.org (3)");

        watcher.run();
        LiveTailFanOutTest.await("idle again", () -> feed.status().state() == LiveStatus.State.IDLE);
        int calls = endpoint.calls();
        put(4);
        Thread.sleep(1_500);
        assertThat(endpoint.calls()).as("calls while idle").isEqualTo(calls);
        assertThat(feed.recent(10)).hasSize(3);

        feed.watch();
        LiveTailFanOutTest.await("the record put while idle", () -> feed.recent(10).size() == 4);
        assertThat(feed.recent(10)).extracting(LiveRecord::member).containsExactly("m4@example.org (4)",
                "m3@example.org (3)", "m2@example.org (2)", "m1@example.org (1)");
    }

    private void put(int member) {
        String id = String.valueOf(member);
        direct.putRecord(b -> b.streamName("members").partitionKey(id).data(SdkBytes.fromUtf8String(
                "{\"specversion\":\"1.0\",\"type\":\"memberstream.member.created\",\"subject\":\"" + id
                        + "\",\"data\":{\"email\":\"m" + id + "@example.org\"}}")));
    }

    private KinesisClient syncClient(URI endpointUri, boolean json) {
        KinesisClient client = KinesisWireProtocol.building(json, () -> KinesisClient.builder()
                .endpointOverride(endpointUri).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build());
        closeLast.add(client);
        return client;
    }

    private KinesisAsyncClient asyncClient(URI endpointUri) {
        KinesisAsyncClient client = KinesisAsyncClient.builder().endpointOverride(endpointUri).region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .httpClient(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).build())
                .build();
        closeLast.add(client);
        return client;
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }
}
