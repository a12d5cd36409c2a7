package memberstream.live.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import memberstream.aws.SignedJsonCall;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;

/**
 * The live consumer against the engine over HTTP: enhanced fan-out through the SDK's async client
 * (HTTP/2), resubscription, resharding, and the window read back after a restart.
 */
class LiveTailFanOutTest {

    static final String CONSUMER = "memberstream-live-test-console";

    TestEngine engine;
    KinesisClient kinesis;
    KinesisAsyncClient async;
    final LiveConsumerTest.MemoryCheckpoints checkpoints = new LiveConsumerTest.MemoryCheckpoints();
    final List<LiveConsumerRunner> runners = new ArrayList<>();

    @BeforeEach
    void start() {
        engine = new TestEngine("live-tail-fan-out", true);
        kinesis = engine.kinesisClient();
        async = KinesisAsyncClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + engine.server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        kinesis.createStream(b -> b.streamName("members").shardCount(2));
    }

    @AfterEach
    void stop() {
        runners.forEach(LiveConsumerRunner::stop);
        async.close();
        kinesis.close();
        engine.close();
    }

    /**
     * A running consumer (on its own thread, as in the console) feeding {@code feed}, watched (as by an
     * open live tail) so that it reads.
     */
    LiveConsumer run(LiveFeed feed) {
        feed.watch();
        return run(feed, CONSUMER, checkpoints, Duration.ofSeconds(30));
    }

    LiveConsumer run(LiveFeed feed, String consumerName, Checkpoints saved, Duration idleAfter) {
        LiveConsumer consumer = new LiveConsumer(() -> kinesis, () -> async, consumerName, saved, () -> "members", feed,
                LiveProperties.defaults(), engine.clock);
        LiveConsumerRunner runner = new LiveConsumerRunner(consumer, feed, idleAfter, true);
        runners.add(runner);
        runner.start();
        return consumer;
    }

    void stop(int runner) {
        runners.remove(runner).stop();
    }

    String put(String partitionKey, String data) {
        return kinesis.putRecord(b -> b.streamName("members").partitionKey(partitionKey)
                .data(SdkBytes.fromUtf8String(data))).sequenceNumber();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static List<String> data(LiveFeed feed) {
        List<String> oldestFirst = new ArrayList<>(feed.recent(10_000).stream().map(LiveRecord::dataPreview).toList());
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    @Test
    void recordsReachTheFeedThroughFanOutAsSoonAsTheyArePut() throws Exception {
        LiveFeed feed = new LiveFeed(100, engine.clock);
        List<LiveFeed.Update> told = new CopyOnWriteArrayList<>();
        feed.subscribe(told::add);
        LiveConsumer consumer = run(feed);
        await("fan-out", () -> consumer.mode() == LiveConsumer.Mode.FAN_OUT && feed.status().state() == LiveStatus.State.READING);

        put("a", "first");
        put("b", "second");
        await("both records", () -> feed.recent(10).size() == 2);

        assertThat(data(feed)).containsExactlyInAnyOrder("first", "second");
        assertThat(told).flatExtracting(LiveFeed.Update::records).hasSize(2);
        assertThat(feed.status().message()).contains("through enhanced fan-out").contains(CONSUMER);
        List<Consumer> registered = kinesis.listStreamConsumers(b -> b.streamARN(streamArn())).consumers();
        assertThat(registered).extracting(Consumer::consumerName).containsExactly(CONSUMER);
    }

    @Test
    void aSecondConsoleRegistersItsOwnConsumerAndBothSeeEveryRecord() throws Exception {
        LiveFeed mine = new LiveFeed(100, engine.clock);
        run(mine);
        LiveFeed other = new LiveFeed(100, engine.clock);
        other.watch();
        LiveConsumer otherConsumer = run(other, CONSUMER + "-2", new LiveConsumerTest.MemoryCheckpoints(),
                Duration.ofSeconds(30));
        await("both in fan-out", () -> otherConsumer.mode() == LiveConsumer.Mode.FAN_OUT
                && mine.status().message().contains("fan-out") && other.status().message().contains("fan-out"));

        for (int i = 0; i < 20; i++) {
            put("k" + i, "r" + i);
        }
        await("every record on both consoles", () -> mine.recent(100).size() == 20 && other.recent(100).size() == 20);
        Thread.sleep(300); // a subscription taken over would end one console's reading: nothing more may arrive twice
        assertThat(data(mine)).hasSize(20).doesNotHaveDuplicates();
        assertThat(data(other)).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void aSubscriptionIsRenewedBeforeItsFiveMinutesEndWithoutLosingOrRepeatingRecords() throws Exception {
        LiveFeed feed = new LiveFeed(100, engine.clock);
        run(feed);
        await("fan-out", () -> feed.status().message().contains("fan-out"));
        put("a", "before");
        await("the first record", () -> feed.recent(10).size() == 1);

        engine.clock.advance(LiveConsumer.RESUBSCRIBE_AFTER.plusSeconds(1));
        Thread.sleep(1_500); // the consumer wakes at least once a second and renews
        put("a", "after");
        engine.clock.advance(Duration.ofMinutes(1)); // past the first subscription's five minutes
        put("b", "later");

        await("the records after the renewal", () -> feed.recent(10).size() == 3);
        Thread.sleep(300);
        assertThat(data(feed)).containsExactly("before", "after", "later");
    }

    @Test
    void afterASplitTheChildrenAreReadAfterTheirParent() throws Exception {
        LiveFeed feed = new LiveFeed(1000, engine.clock);
        run(feed);
        await("fan-out", () -> feed.status().message().contains("fan-out"));
        var shard = kinesis.listShards(b -> b.streamName("members")).shards().get(0);
        for (int i = 0; i < 10; i++) {
            kinesis.putRecord(b -> b.streamName("members").partitionKey("p").explicitHashKey(shard.hashKeyRange().startingHashKey())
                    .data(SdkBytes.fromUtf8String("parent")));
        }
        String middle = new java.math.BigInteger(shard.hashKeyRange().startingHashKey())
                .add(new java.math.BigInteger(shard.hashKeyRange().endingHashKey())).shiftRight(1).toString();
        kinesis.splitShard(b -> b.streamName("members").shardToSplit(shard.shardId()).newStartingHashKey(middle));
        await("the split", () -> kinesis.describeStreamSummary(b -> b.streamName("members"))
                .streamDescriptionSummary().openShardCount() == 3);
        for (int i = 0; i < 10; i++) {
            kinesis.putRecord(b -> b.streamName("members").partitionKey("p").explicitHashKey(shard.hashKeyRange().startingHashKey())
                    .data(SdkBytes.fromUtf8String("child")));
        }

        await("parent and child records", () -> feed.recent(1000).size() == 20);
        List<String> seen = data(feed);
        assertThat(seen.subList(0, 10)).containsOnly("parent");
        assertThat(seen.subList(10, 20)).containsOnly("child");
        assertThat(feed.status().lags()).extracting(ShardLagChart.Lag::shardId).doesNotContain(shard.shardId());
    }

    @Test
    void aRestartRebuildsTheWindowFromTheStreamWithoutAnnouncingOldRecords() throws Exception {
        LiveFeed before = new LiveFeed(500, engine.clock);
        run(before);
        await("fan-out", () -> before.status().message().contains("fan-out"));
        for (int i = 0; i < 300; i++) {
            put("k" + i, "{\"specversion\":\"1.0\",\"type\":\"memberstream.member.created\",\"subject\":\"" + i + "\"}");
        }
        await("300 records", () -> before.recent(500).size() == 300);
        stop(0);

        engine.clock.advance(Duration.ofMinutes(3));
        LiveFeed after = new LiveFeed(500, engine.clock);
        List<LiveFeed.Update> told = new CopyOnWriteArrayList<>();
        after.subscribe(told::add);
        run(after);
        await("reading again", () -> after.status().state() == LiveStatus.State.READING);
        put("new", "new");
        await("the new record", () -> after.recent(500).size() == 301);

        RollingAnalytics.Snapshot window = after.analytics();
        int total = 0;
        for (int i = 0; i < window.minutes().size(); i++) {
            total += window.total(i);
        }
        assertThat(total).isEqualTo(301);
        assertThat(window.countsByType()).containsKey("memberstream.member.created");
        assertThat(told).flatExtracting(LiveFeed.Update::records).extracting(LiveRecord::dataPreview).containsExactly("new");
    }

    /**
     * Issue #11: nobody watching ends the fan-out subscriptions (the engine lists none of this console's),
     * nothing is read meanwhile, and the next watcher is told "catching up" and then gets the window
     * rebuilt with what was put meanwhile, unannounced; what follows is pushed as before.
     */
    @Test
    void whenNobodyWatchesTheSubscriptionsEndAndTheNextWatcherCatchesUp() throws Exception {
        LiveFeed feed = new LiveFeed(100, engine.clock);
        Runnable first = feed.watch();
        run(feed, CONSUMER, checkpoints, Duration.ZERO);
        await("fan-out", () -> feed.status().message().contains("fan-out"));
        put("a", "seen");
        await("the first record", () -> feed.recent(10).size() == 1);
        await("subscriptions open", () -> subscriptions() > 0);

        first.run();
        await("idle", () -> feed.status().state() == LiveStatus.State.IDLE);
        await("no subscription left", () -> subscriptions() == 0);
        put("b", "while idle 1");
        put("c", "while idle 2");
        Thread.sleep(500);
        assertThat(feed.recent(10)).hasSize(1);

        List<LiveFeed.Update> told = new CopyOnWriteArrayList<>();
        feed.subscribe(told::add);
        await("caught up", () -> feed.recent(10).size() == 3);
        await("reading", () -> feed.status().state() == LiveStatus.State.READING && subscriptions() > 0);
        put("d", "after");
        await("the record after", () -> feed.recent(10).size() == 4);

        assertThat(data(feed)).containsExactlyInAnyOrder("seen", "while idle 1", "while idle 2", "after");
        assertThat(told).extracting(u -> u.status().state()).contains(LiveStatus.State.CATCHING_UP);
        assertThat(told).anySatisfy(u -> assertThat(u.rebuilt()).isTrue());
        assertThat(told).flatExtracting(LiveFeed.Update::records).extracting(LiveRecord::dataPreview).containsExactly("after");
    }

    /** This console's open SubscribeToShard subscriptions, as the engine lists them. */
    int subscriptions() {
        try (SdkHttpClient http = ApacheHttpClient.create()) {
            SignedJsonCall.Answer answer = SignedJsonCall.post(http, URI.create("http://127.0.0.1:" + engine.server.port()),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), Region.US_EAST_1,
                    "kinesis", "Kinesis_20131202.ListShardSubscriptions", "{\"StreamARN\":\"" + streamArn() + "\"}");
            assertThat(answer.status()).isEqualTo(200);
            int count = 0;
            for (JsonNode row : new ObjectMapper().readTree(answer.body()).path("Subscriptions")) {
                if (CONSUMER.equals(row.path("ConsumerName").asText())) {
                    count++;
                }
            }
            return count;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String streamArn() {
        return kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().streamARN();
    }
}
