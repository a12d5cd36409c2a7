package memberstream.live.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import memberstream.MutableClock;
import org.junit.jupiter.api.Test;

class LiveConsumerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final FakeKinesis kinesis = new FakeKinesis(clock);
    private final MemoryCheckpoints checkpoints = new MemoryCheckpoints();
    private final AtomicReference<String> streamName = new AtomicReference<>("members");
    private final LiveFeed feed = new LiveFeed(100, clock);
    private final List<LiveFeed.Update> updates = new ArrayList<>();

    LiveConsumerTest() {
        feed.subscribe(updates::add);
    }

    private LiveConsumer consumer(LiveProperties properties) {
        return new LiveConsumer(() -> kinesis, checkpoints, streamName::get, feed, properties, clock);
    }

    private static String event(String type, String email, Instant time) {
        return "{\"specversion\":\"1.0\",\"type\":\"" + type + "\",\"subject\":\"42\",\"time\":\"" + time
                + "\",\"data\":{\"email\":\"" + email + "\"}}";
    }

    /** Polls, moving the clock by what the consumer asked to wait, until nothing more arrives. */
    private void pollFor(LiveConsumer consumer, Duration total) {
        Instant end = clock.instant().plus(total);
        while (clock.instant().isBefore(end)) {
            Duration wait = consumer.pollOnce();
            clock.advance(wait.isZero() ? Duration.ofMillis(50) : wait);
        }
    }

    private List<String> sequenceNumbersSeen() {
        List<String> seen = new ArrayList<>(feed.recent(1000).stream().map(LiveRecord::sequenceNumber).toList());
        java.util.Collections.reverse(seen);
        return seen;
    }

    @Test
    void readsEveryShardFromTheOldestRecordAndParsesMemberEvents() {
        kinesis.createStream("members", 2);
        Instant committed = clock.instant().minusMillis(40);
        String first = kinesis.put(FakeKinesis.shardId(0), event("memberstream.member.created", "ada@example.org", committed));
        String second = kinesis.put(FakeKinesis.shardId(1), "not json at all");

        pollFor(consumer(LiveProperties.defaults()), Duration.ofSeconds(2));

        assertThat(sequenceNumbersSeen()).containsExactlyInAnyOrder(first, second);
        LiveRecord created = feed.recent(10).stream().filter(r -> r.sequenceNumber().equals(first)).findFirst().orElseThrow();
        assertThat(created.eventType()).isEqualTo("memberstream.member.created");
        assertThat(created.member()).isEqualTo("ada@example.org (42)");
        assertThat(created.shardId()).isEqualTo(FakeKinesis.shardId(0));
        assertThat(created.delay()).isEqualTo(Duration.ofMillis(40));
        LiveRecord other = feed.recent(10).stream().filter(r -> r.sequenceNumber().equals(second)).findFirst().orElseThrow();
        assertThat(other.eventType()).isEqualTo("unknown");
        assertThat(other.dataPreview()).isEqualTo("not json at all");
        assertThat(feed.status().state()).isEqualTo(LiveStatus.State.READING);
        assertThat(feed.status().lags()).extracting(ShardLagChart.Lag::millisBehindLatest).containsOnly(0L);
        assertThat(feed.analytics().countsByType()).containsKeys("memberstream.member.created", "unknown");
        assertThat(updates).anySatisfy(u -> assertThat(u.records()).isNotEmpty());
    }

    @Test
    void anUpdateThatDidNotChangeTheEmailIsShownWithTheEmailOfTheCreatedEvent() {
        kinesis.createStream("members", 1);
        Instant committed = clock.instant();
        kinesis.put(FakeKinesis.shardId(0), event("io.memberstream.member.created", "ada@example.org", committed));
        String updated = kinesis.put(FakeKinesis.shardId(0), "{\"specversion\":\"1.0\",\"type\":"
                + "\"io.memberstream.member.updated\",\"subject\":\"42\",\"time\":\"" + committed + "\",\"data\":"
                + "{\"changes\":{\"phone\":{\"before\":null,\"after\":\"+44 20 7946 0000\"}}}}");

        pollFor(consumer(LiveProperties.defaults()), Duration.ofSeconds(2));

        LiveRecord update = feed.recent(10).stream().filter(r -> r.sequenceNumber().equals(updated)).findFirst().orElseThrow();
        assertThat(update.member()).isEqualTo("ada@example.org (42)");
    }

    @Test
    void respectsTheReadRateAndWaitsLongerOnAQuietShard() {
        kinesis.createStream("members", 1);
        pollFor(consumer(LiveProperties.defaults()), Duration.ofSeconds(10));

        // a quiet shard is polled every 500 ms: about 2 a second, well under AWS's 5 a second
        assertThat(kinesis.getRecordsCalls).hasSizeBetween(18, 21);
    }

    @Test
    void aRestartResumesAfterTheLastCheckpointWithoutRepeatingRecords() {
        kinesis.createStream("members", 1);
        String shard = FakeKinesis.shardId(0);
        String a = kinesis.put(shard, "a");
        String b = kinesis.put(shard, "b");
        LiveConsumer first = consumer(LiveProperties.defaults());
        pollFor(first, Duration.ofSeconds(1));
        first.close();
        assertThat(checkpoints.saved.get(shard).sequenceNumber()).isEqualTo(b);

        String c = kinesis.put(shard, "c");
        LiveFeed secondFeed = new LiveFeed(100, clock);
        List<LiveFeed.Update> told = new ArrayList<>();
        secondFeed.subscribe(told::add);
        LiveConsumer second = new LiveConsumer(() -> kinesis, checkpoints, streamName::get, secondFeed, LiveProperties.defaults(), clock);
        pollFor(second, Duration.ofSeconds(1));

        // only c is new; a and b are read back into the window (newest first) without being announced
        assertThat(told).flatExtracting(LiveFeed.Update::records).extracting(LiveRecord::sequenceNumber).containsExactly(c);
        assertThat(secondFeed.recent(10)).extracting(LiveRecord::sequenceNumber).containsExactly(c, b, a);
        assertThat(sequenceNumbersSeen()).containsExactly(a, b);
    }

    @Test
    void aRestartRebuildsTheWindowFromTheLastThirtyMinutesOfTheStream() {
        kinesis.createStream("members", 2);
        kinesis.put(FakeKinesis.shardId(0), event("memberstream.member.created", "old@example.org", clock.instant()));
        clock.advance(Duration.ofMinutes(40));
        for (int i = 0; i < 300; i++) {
            kinesis.put(FakeKinesis.shardId(i % 2), event("memberstream.member.created", "m" + i + "@example.org", clock.instant()));
        }
        LiveConsumer first = consumer(LiveProperties.defaults());
        pollFor(first, Duration.ofSeconds(2));
        first.close();

        clock.advance(Duration.ofMinutes(3));
        LiveFeed restarted = new LiveFeed(500, clock);
        List<LiveFeed.Update> told = new ArrayList<>();
        restarted.subscribe(told::add);
        pollFor(new LiveConsumer(() -> kinesis, checkpoints, streamName::get, restarted, LiveProperties.defaults(), clock),
                Duration.ofSeconds(2));

        RollingAnalytics.Snapshot window = restarted.analytics();
        int total = 0;
        for (int i = 0; i < window.minutes().size(); i++) {
            total += window.total(i);
        }
        assertThat(total).as("events of the last 30 minutes in the chart").isEqualTo(300);
        assertThat(restarted.recent(1000)).hasSize(300).noneMatch(r -> r.member().startsWith("old@"));
        assertThat(told).flatExtracting(LiveFeed.Update::records).isEmpty();
    }

    @Test
    void anEndpointWithoutFanOutIsReadByPollingAndTheStatusSaysSo() {
        kinesis.createStream("members", 1);
        String first = kinesis.put(FakeKinesis.shardId(0), "one");
        LiveConsumer consumer = new LiveConsumer(() -> kinesis, () -> {
            throw new AssertionError("no subscription against an endpoint without fan-out");
        }, "memberstream-live-test", checkpoints, streamName::get, feed, LiveProperties.defaults(), clock);

        pollFor(consumer, Duration.ofSeconds(2));

        assertThat(consumer.mode()).isEqualTo(LiveConsumer.Mode.POLLING);
        assertThat(sequenceNumbersSeen()).containsExactly(first);
        assertThat(feed.status().message()).contains("by polling GetRecords").contains("UnknownOperationException");
    }

    @Test
    void checkpointWritesAreBatched() {
        kinesis.createStream("members", 1);
        LiveConsumer consumer = consumer(LiveProperties.defaults());
        for (int i = 0; i < 20; i++) {
            kinesis.put(FakeKinesis.shardId(0), "record " + i);
            pollFor(consumer, Duration.ofMillis(500));
        }
        // 20 records over 10 s: written every 5 s, not once per record
        assertThat(checkpoints.saveCalls).isBetween(2, 3);
    }

    @Test
    void followsASplitReadingTheParentToItsEndBeforeTheChildren() {
        kinesis.createStream("members", 1);
        String parent = FakeKinesis.shardId(0);
        String beforeSplit = kinesis.put(parent, "before split");
        LiveConsumer consumer = consumer(LiveProperties.defaults());
        pollFor(consumer, Duration.ofSeconds(1));

        String lastInParent = kinesis.put(parent, "last in parent");
        List<String> children = kinesis.split(parent);
        String inLeft = kinesis.put(children.get(0), "left child");
        String inRight = kinesis.put(children.get(1), "right child");
        pollFor(consumer, Duration.ofSeconds(2));

        List<String> seen = sequenceNumbersSeen();
        assertThat(seen).containsExactlyInAnyOrder(beforeSplit, lastInParent, inLeft, inRight);
        assertThat(seen.indexOf(lastInParent)).isLessThan(seen.indexOf(inLeft)).isLessThan(seen.size());
        assertThat(seen.indexOf(lastInParent)).isLessThan(seen.indexOf(inRight));
        consumer.close();
        assertThat(checkpoints.saved.get(parent).finished()).isTrue();
        assertThat(feed.status().lags()).extracting(ShardLagChart.Lag::shardId).containsExactlyElementsOf(children);
    }

    @Test
    void backsOffWhenThrottledAndCountsIt() {
        kinesis.createStream("members", 1);
        String seq = kinesis.put(FakeKinesis.shardId(0), "x");
        kinesis.throttleNextGetRecords = 2;
        LiveConsumer consumer = consumer(LiveProperties.defaults());

        consumer.pollOnce();
        assertThat(kinesis.getRecordsCalls).hasSize(1);
        clock.advance(Duration.ofMillis(900));
        consumer.pollOnce();
        assertThat(kinesis.getRecordsCalls).as("waits a second after the first throttle").hasSize(1);
        clock.advance(Duration.ofMillis(100));
        consumer.pollOnce();
        assertThat(kinesis.getRecordsCalls).hasSize(2);
        clock.advance(Duration.ofMillis(1999));
        consumer.pollOnce();
        assertThat(kinesis.getRecordsCalls).as("then two seconds").hasSize(2);
        clock.advance(Duration.ofMillis(1));
        consumer.pollOnce();

        assertThat(feed.recent(10)).extracting(LiveRecord::sequenceNumber).containsExactly(seq);
        assertThat(feed.status().lags()).singleElement().satisfies(lag -> assertThat(lag.throttles()).isEqualTo(2));
    }

    @Test
    void waitsQuietlyForAnAbsentStreamAndSurvivesItsDeletion() {
        LiveConsumer consumer = consumer(LiveProperties.defaults());
        pollFor(consumer, Duration.ofSeconds(5));
        assertThat(feed.status().state()).isEqualTo(LiveStatus.State.WAITING_FOR_STREAM);
        assertThat(feed.status().message()).contains("members does not exist");

        kinesis.createStream("members", 1);
        String first = kinesis.put(FakeKinesis.shardId(0), "first");
        pollFor(consumer, Duration.ofSeconds(6));
        assertThat(sequenceNumbersSeen()).containsExactly(first);

        kinesis.deleteStream();
        pollFor(consumer, Duration.ofSeconds(1));
        assertThat(feed.status().state()).isEqualTo(LiveStatus.State.WAITING_FOR_STREAM);

        clock.advance(Duration.ofSeconds(1));
        kinesis.createStream("members", 1);
        String again = kinesis.put(FakeKinesis.shardId(0), "in the new stream");
        pollFor(consumer, Duration.ofSeconds(11));
        assertThat(sequenceNumbersSeen()).containsExactly(first, again);
    }

    @Test
    void latestSkipsWhatIsAlreadyInTheStream() {
        kinesis.createStream("members", 1);
        kinesis.put(FakeKinesis.shardId(0), "old");
        LiveProperties latest = new LiveProperties(true, LiveProperties.InitialPosition.LATEST, 100, 1000,
                Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(5), false,
                Duration.ofSeconds(30));
        LiveConsumer consumer = consumer(latest);
        pollFor(consumer, Duration.ofSeconds(1));

        String fresh = kinesis.put(FakeKinesis.shardId(0), "new");
        pollFor(consumer, Duration.ofSeconds(1));

        assertThat(sequenceNumbersSeen()).containsExactly(fresh);
    }

    @Test
    void keepsOnlyABoundedWindowOfRecords() {
        kinesis.createStream("members", 1);
        LiveFeed small = new LiveFeed(5, clock);
        for (int i = 0; i < 12; i++) {
            kinesis.put(FakeKinesis.shardId(0), "r" + i);
        }
        LiveConsumer consumer = new LiveConsumer(() -> kinesis, checkpoints, streamName::get, small, LiveProperties.defaults(), clock);
        pollFor(consumer, Duration.ofSeconds(1));

        assertThat(small.recent(100)).hasSize(5).first().satisfies(r -> assertThat(r.dataPreview()).isEqualTo("r11"));
    }

    private static final String CREATED = "memberstream.member.created";

    private List<LiveRecord> announced() {
        return updates.stream().flatMap(u -> u.records().stream()).toList();
    }

    private int chartTotal() {
        RollingAnalytics.Snapshot window = feed.analytics();
        int total = 0;
        for (int i = 0; i < window.minutes().size(); i++) {
            total += window.total(i);
        }
        return total;
    }

    @Test
    void pausedItWritesItsCheckpointsAndOnResumeCatchesUpOnWhatArrivedWithoutAnnouncingIt() {
        kinesis.createStream("members", 2);
        String a = kinesis.put(FakeKinesis.shardId(0), event(CREATED, "a@example.org", clock.instant()));
        LiveConsumer consumer = consumer(LiveProperties.defaults());
        pollFor(consumer, Duration.ofSeconds(1));

        consumer.pause();
        assertThat(feed.status().state()).isEqualTo(LiveStatus.State.IDLE);
        assertThat(feed.status().message()).startsWith("Idle");
        assertThat(checkpoints.saved.get(FakeKinesis.shardId(0)).sequenceNumber()).isEqualTo(a);
        clock.advance(Duration.ofMinutes(5));
        String b = kinesis.put(FakeKinesis.shardId(0), event(CREATED, "b@example.org", clock.instant()));
        String c = kinesis.put(FakeKinesis.shardId(1), event(CREATED, "c@example.org", clock.instant()));
        updates.clear();

        consumer.resume();
        assertThat(feed.status().state()).isEqualTo(LiveStatus.State.CATCHING_UP);
        assertThat(feed.status().message()).startsWith("Catching up");
        pollFor(consumer, Duration.ofSeconds(2));

        assertThat(sequenceNumbersSeen()).containsExactlyInAnyOrder(a, b, c);
        assertThat(chartTotal()).as("the chart shows what was saved while nobody watched").isEqualTo(3);
        assertThat(announced()).as("caught up, not announced as new").isEmpty();
        assertThat(updates).anySatisfy(u -> assertThat(u.rebuilt()).isTrue());
        assertThat(updates).extracting(u -> u.status().state()).contains(LiveStatus.State.CATCHING_UP);
        assertThat(feed.status().state()).isEqualTo(LiveStatus.State.READING);

        String d = kinesis.put(FakeKinesis.shardId(1), event(CREATED, "d@example.org", clock.instant()));
        pollFor(consumer, Duration.ofSeconds(1));
        assertThat(announced()).extracting(LiveRecord::sequenceNumber).containsExactly(d);
        assertThat(sequenceNumbersSeen()).hasSize(4).doesNotHaveDuplicates();
        consumer.close();
        assertThat(checkpoints.saved.get(FakeKinesis.shardId(0)).sequenceNumber()).isEqualTo(b);
        assertThat(checkpoints.saved.get(FakeKinesis.shardId(1)).sequenceNumber()).isEqualTo(d);
    }

    @Test
    void whatArrivedBeforeTheWindowWhileNobodyWatchedIsSkipped() {
        kinesis.createStream("members", 1);
        String shard = FakeKinesis.shardId(0);
        String a = kinesis.put(shard, "a");
        LiveConsumer consumer = consumer(LiveProperties.defaults());
        pollFor(consumer, Duration.ofSeconds(1));
        consumer.pause();

        kinesis.put(shard, "long ago");
        clock.advance(Duration.ofMinutes(40));
        String recent = kinesis.put(shard, "recent");
        updates.clear();
        consumer.resume();
        pollFor(consumer, Duration.ofSeconds(2));
        String fresh = kinesis.put(shard, "fresh");
        pollFor(consumer, Duration.ofSeconds(1));

        assertThat(sequenceNumbersSeen()).containsExactly(a, recent, fresh);
        assertThat(announced()).extracting(LiveRecord::sequenceNumber).containsExactly(fresh);
    }

    @Test
    void afterAQuietPauseLongerThanTheWindowReadingStartsAtTheWindowAndNothingOldIsAnnounced() {
        kinesis.createStream("members", 1);
        String shard = FakeKinesis.shardId(0);
        String a = kinesis.put(shard, "a");
        LiveConsumer consumer = consumer(LiveProperties.defaults());
        pollFor(consumer, Duration.ofSeconds(1));
        consumer.pause();

        kinesis.put(shard, "long ago");
        clock.advance(Duration.ofMinutes(40));
        updates.clear();
        consumer.resume();
        pollFor(consumer, Duration.ofSeconds(2));
        String fresh = kinesis.put(shard, "fresh");
        pollFor(consumer, Duration.ofSeconds(1));

        assertThat(sequenceNumbersSeen()).containsExactly(a, fresh);
        assertThat(announced()).extracting(LiveRecord::sequenceNumber).containsExactly(fresh);
    }

    @Test
    void theFirstResumeOfANewConsoleRebuildsTheWindowFromItsCheckpointsToTheNewestRecord() {
        kinesis.createStream("members", 1);
        String shard = FakeKinesis.shardId(0);
        String a = kinesis.put(shard, "a");
        LiveConsumer first = consumer(LiveProperties.defaults());
        pollFor(first, Duration.ofSeconds(1));
        first.close();
        String b = kinesis.put(shard, "b"); // after the checkpoint, while the console was down

        LiveFeed restarted = new LiveFeed(100, clock);
        List<LiveFeed.Update> told = new ArrayList<>();
        restarted.subscribe(told::add);
        LiveConsumer second = new LiveConsumer(() -> kinesis, checkpoints, streamName::get, restarted,
                LiveProperties.defaults(), clock);
        second.pause(); // as the runner does at start: nobody watches yet
        second.resume();
        pollFor(second, Duration.ofSeconds(1));
        String c = kinesis.put(shard, "c");
        pollFor(second, Duration.ofSeconds(1));

        assertThat(restarted.recent(10)).extracting(LiveRecord::sequenceNumber).containsExactly(c, b, a);
        assertThat(told).flatExtracting(LiveFeed.Update::records).extracting(LiveRecord::sequenceNumber).containsExactly(c);
    }

    /** Checkpoints in a map, counting the batched saves; a newer stream of the same name replaces them. */
    static final class MemoryCheckpoints implements Checkpoints {
        final Map<String, Checkpoint> saved = new HashMap<>();
        Instant streamCreatedAt;
        int saveCalls;

        @Override
        public Map<String, Checkpoint> load(String streamName, Instant createdAt) {
            if (!createdAt.equals(streamCreatedAt)) {
                saved.clear();
            }
            return Map.copyOf(saved);
        }

        @Override
        public void save(String streamName, Instant createdAt, Collection<Checkpoint> checkpoints) {
            saveCalls++;
            streamCreatedAt = createdAt;
            checkpoints.forEach(c -> saved.put(c.shardId(), c));
        }
    }
}
