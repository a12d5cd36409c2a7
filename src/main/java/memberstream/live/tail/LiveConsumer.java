package memberstream.live.tail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import memberstream.live.ShardRange;

/**
 * Reads every shard of one Kinesis stream, parents before children, and hands the records to the
 * {@link LiveFeed}: through enhanced fan-out ({@link FanOutSession}, SubscribeToShard) when the endpoint
 * has it, else with GetRecords ({@link PollingReader}). Each call to {@link #pollOnce()} does the work
 * that is due at the clock's current time and says how long until more is due, so the loop can be
 * driven by a test clock.
 *
 * <ul>
 *   <li>Position: AFTER_SEQUENCE_NUMBER of the shard's checkpoint, else the configured initial
 *       position; a shard whose parents are not read to their end waits.</li>
 *   <li>Pace: one GetRecords per shard per {@code pollInterval} at most while records flow,
 *       {@code idlePollInterval} when the shard is quiet, growing backoff when throttled.</li>
 *   <li>Resharding: a closed shard ends with a null NextShardIterator; it is marked finished and the
 *       shards are listed again, which makes its children readable.</li>
 *   <li>Checkpoints: kept in memory per shard and written in one batch every {@code checkpointInterval}
 *       and on {@link #close()}.</li>
 *   <li>Fan-out: one subscription per readable shard, from the checkpoint (or the last continuation
 *       sequence number), renewed shortly before its five minutes are up; the end of a closed shard
 *       is told by an event naming its children. An endpoint that answers the fan-out calls with
 *       "unknown operation" (or has no room for another consumer) is read by polling instead.</li>
 *   <li>Window: when a stream with checkpoints is first read, the last {@link #WINDOW} of each shard
 *       up to its checkpoint is read back ({@link WindowReadBack}) into the feed's window, without
 *       being announced as new.</li>
 *   <li>An absent, deleted or unreachable stream is looked for again every {@code discoveryInterval};
 *       each change of state is logged once.</li>
 *   <li>Idle: {@link #pause()} (nobody watches) ends the subscriptions and writes the checkpoints, and
 *       nothing is called until {@link #resume()}; then each shard is caught up from the last
 *       {@link #WINDOW} to its newest record ({@link WindowReadBack#catchUp}) into the feed's window,
 *       without announcing it, and reading goes on after it. What the feed already holds is not read
 *       twice; what arrived before the window while nobody watched is skipped.</li>
 * </ul>
 *
 * <p>Thread-safety: confined to one thread (the runner's), with its readers and cursors; only the feed
 * is shared.
 */
public class LiveConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveConsumer.class);
    private static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /** How much of the stream the feed's window holds (its chart's width). */
    static final Duration WINDOW = Duration.ofMinutes(30);
    /** A subscription lasts five minutes; a new one replaces it a little before, so no gap opens. */
    static final Duration RESUBSCRIBE_AFTER = FanOutSession.RESUBSCRIBE_AFTER;

    /** How records are read now. */
    enum Mode { POLLING, FAN_OUT }

    private final Supplier<KinesisClient> kinesisClient;
    private final Checkpoints checkpoints;
    private final Supplier<String> streamName;
    private final LiveFeed feed;
    private final LiveProperties properties;
    private final Clock clock;
    /** Null when reading by polling only. */
    private final FanOutSession fanOut;
    private final WindowReadBack readBack;
    private final PollingReader polling;
    /** The streams (name@creation) this consumer has filled the feed from: it holds them up to their cursors. */
    private final Set<String> fedFrom = new java.util.HashSet<>();
    /** Resumed and not yet caught up: the next discovery reads the window back to the newest records. */
    private boolean catchingUp;

    private String currentStream;
    private String streamArn;
    private Instant streamCreatedAt;
    private final Map<String, ShardCursor> cursors = new LinkedHashMap<>();
    private final Map<String, Checkpoints.Checkpoint> dirty = new HashMap<>();
    private final MemberEmails emails = new MemberEmails(MemberEmails.DEFAULT_CAPACITY);
    private LiveStatus.State state = LiveStatus.State.STARTING;
    private String stateMessage = "Starting";
    private Instant nextDiscovery = Instant.MIN;
    private Instant nextCheckpoint = Instant.MIN;

    /**
     * @param kinesis asked for the client before each use: the console's clients follow the endpoint
     */
    public LiveConsumer(Supplier<KinesisClient> kinesis, Checkpoints checkpoints, Supplier<String> streamName, LiveFeed feed,
                        LiveProperties properties, Clock clock) {
        this(kinesis, null, null, checkpoints, streamName, feed, properties, clock);
    }

    /**
     * @param kinesisAsync  for SubscribeToShard (HTTP/2); null to read by polling only
     * @param consumerName  the stream consumer this console registers, unique per console
     */
    public LiveConsumer(Supplier<KinesisClient> kinesis, Supplier<KinesisAsyncClient> kinesisAsync, String consumerName,
                        Checkpoints checkpoints, Supplier<String> streamName, LiveFeed feed, LiveProperties properties,
                        Clock clock) {
        ReaderEvents events = new ReaderEvents();
        this.fanOut = kinesisAsync == null ? null
                : new FanOutSession(new FanOutReader(kinesis, kinesisAsync, consumerName), cursors, clock, events);
        this.readBack = new WindowReadBack(kinesis, properties.getRecordsLimit(), 50);
        this.polling = new PollingReader(kinesis, properties, clock, events);
        this.kinesisClient = kinesis;
        this.checkpoints = checkpoints;
        this.streamName = streamName;
        this.feed = feed;
        this.properties = properties;
        this.clock = clock;
    }

    /** Does what is due now; returns how long the caller may wait before calling again. */
    public Duration pollOnce() {
        Instant now = clock.instant();
        String wanted = streamName.get();
        if (!Objects.equals(wanted, currentStream)) {
            switchTo(wanted);
        }
        if (fanOut != null) {
            fanOut.drain(currentStream);
        }
        if (!now.isBefore(nextDiscovery)) {
            discover(now);
        }
        if (state == LiveStatus.State.READING) {
            for (ShardCursor cursor : List.copyOf(cursors.values())) {
                if (state != LiveStatus.State.READING) {
                    break;
                }
                if (readable(cursor) && !clock.instant().isBefore(cursor.due)) {
                    if (mode() == Mode.FAN_OUT) {
                        fanOut.subscribe(cursor);
                    } else {
                        polling.read(cursor, currentStream);
                    }
                }
            }
        }
        if (!clock.instant().isBefore(nextCheckpoint)) {
            flushCheckpoints();
            nextCheckpoint = clock.instant().plus(properties.checkpointInterval());
        }
        feed.status(status());
        return untilNextWork();
    }

    /**
     * Waits up to {@code wait} for more work: with fan-out, a delivery ends the wait at once.
     */
    public void awaitWork(Duration wait) throws InterruptedException {
        if (fanOut != null) {
            fanOut.awaitDelivery(wait);
        } else {
            Thread.sleep(wait.toMillis());
        }
    }

    /**
     * Stops reading while nobody watches: ends the fan-out subscriptions and polling, writes the
     * checkpoints, and says so in the status. The cursors stay, so {@link #resume()} knows what the feed
     * already holds.
     */
    public void pause() {
        if (fanOut != null) {
            fanOut.cancelAll();
            fanOut.forgetConsumer(); // looked up again on resume: it may have been deregistered meanwhile
        }
        cursors.values().forEach(c -> {
            c.iterator = null; // a GetRecords iterator expires within five minutes
            c.generation = 0;
            c.continuation = null;
            c.millisBehindLatest = null;
            c.due = Instant.MIN;
        });
        flushCheckpoints();
        catchingUp = false;
        setState(LiveStatus.State.IDLE, "Idle: nobody has the live tail open, so the stream is not read;"
                + " it is read again (and the last 30 minutes caught up) when someone opens it");
        feed.status(status());
    }

    /** A watcher arrived: read again, first catching up on what arrived meanwhile. */
    public void resume() {
        catchingUp = true;
        nextDiscovery = Instant.MIN;
        setState(LiveStatus.State.CATCHING_UP, "Catching up" + (currentStream == null ? "" : " on " + currentStream));
        feed.status(status());
    }

    /** Ends the subscriptions and writes pending checkpoints. The stream consumer stays registered. */
    @Override
    public void close() {
        if (fanOut != null) {
            fanOut.close();
        }
        flushCheckpoints();
    }

    Mode mode() {
        return fanOut != null && fanOut.active() ? Mode.FAN_OUT : Mode.POLLING;
    }

    LiveStatus status() {
        List<ShardLagChart.Lag> lags = cursors.values().stream()
                .filter(c -> !c.finished)
                .map(c -> new ShardLagChart.Lag(c.shard.shardId(), c.millisBehindLatest, !c.shard.open(), c.throttles))
                .toList();
        return new LiveStatus(currentStream, state, stateMessage, lags);
    }

    private void switchTo(String stream) {
        flushCheckpoints();
        clearCursors();
        currentStream = stream;
        streamCreatedAt = null;
        streamArn = null;
        if (fanOut != null) {
            fanOut.reset();
        }
        nextDiscovery = Instant.MIN;
        if (catchingUp) { // a watcher waits: the status keeps saying so
            setState(LiveStatus.State.CATCHING_UP, "Catching up: looking for stream " + stream);
        } else {
            setState(LiveStatus.State.STARTING, "Looking for stream " + stream);
        }
    }

    private void discover(Instant now) {
        nextDiscovery = now.plus(properties.discoveryInterval());
        if (currentStream == null || currentStream.isBlank()) {
            setState(LiveStatus.State.WAITING_FOR_STREAM, "No Kinesis stream is configured");
            return;
        }
        try {
            StreamDescriptionSummary summary = kinesis().describeStreamSummary(r -> r.streamName(currentStream))
                    .streamDescriptionSummary();
            if (summary.streamStatus() == StreamStatus.CREATING || summary.streamStatus() == StreamStatus.DELETING) {
                setState(LiveStatus.State.WAITING_FOR_STREAM,
                        "Stream " + currentStream + " is " + summary.streamStatus() + "; waiting");
                nextDiscovery = now.plus(min(Duration.ofSeconds(1), properties.discoveryInterval()));
                return;
            }
            // an endpoint that leaves out the creation time gets one identity for the name
            Instant created = summary.streamCreationTimestamp() == null ? Instant.EPOCH : summary.streamCreationTimestamp();
            if (!created.equals(streamCreatedAt)) {
                flushCheckpoints();
                clearCursors();
                forgetConsumer();
                streamCreatedAt = created;
            }
            streamArn = summary.streamARN();
            addShards(listShards());
            if (catchingUp) {
                catchUp();
            }
            if (fanOut != null) {
                fanOut.choose(currentStream, streamArn);
            }
            setState(LiveStatus.State.READING, "Reading " + cursors.values().stream().filter(this::readable).count()
                    + " shard(s) of " + currentStream + describeMode());
        } catch (ResourceNotFoundException absent) {
            streamGone();
        } catch (LimitExceededException throttled) {
            nextDiscovery = now.plusSeconds(1);
        } catch (SdkClientException | KinesisException unreachable) {
            clearCursors();
            streamCreatedAt = null;
            setState(LiveStatus.State.UNREACHABLE, "Kinesis endpoint did not answer: " + firstLine(unreachable));
        }
    }

    private void streamGone() {
        flushCheckpoints();
        clearCursors();
        forgetConsumer();
        streamCreatedAt = null;
        nextDiscovery = clock.instant().plus(properties.discoveryInterval());
        setState(LiveStatus.State.WAITING_FOR_STREAM, "Stream " + currentStream + " does not exist (yet); looking again every "
                + properties.discoveryInterval().toSeconds() + " s");
    }

    private List<Shard> listShards() {
        List<Shard> shards = new ArrayList<>();
        ListShardsResponse page = kinesis().listShards(r -> r.streamName(currentStream));
        shards.addAll(page.shards());
        while (page.nextToken() != null) {
            String token = page.nextToken();
            page = kinesis().listShards(r -> r.nextToken(token));
            shards.addAll(page.shards());
        }
        return shards;
    }

    private void addShards(List<Shard> listed) {
        boolean freshStream = cursors.isEmpty();
        Map<String, Checkpoints.Checkpoint> saved = freshStream ? checkpoints.load(currentStream, streamCreatedAt) : Map.of();
        boolean startAtLatest = freshStream && saved.isEmpty()
                && properties.initialPosition() == LiveProperties.InitialPosition.LATEST;
        listed.stream().map(ShardRange::of).sorted(Comparator.comparing(ShardRange::shardId)).forEach(shard -> {
            if (cursors.containsKey(shard.shardId())) {
                return;
            }
            ShardCursor cursor = new ShardCursor(shard);
            Checkpoints.Checkpoint checkpoint = saved.get(shard.shardId());
            if (checkpoint != null) {
                cursor.checkpoint = checkpoint.sequenceNumber();
                cursor.finished = checkpoint.finished();
            } else if (startAtLatest) {
                cursor.finished = !shard.open();
                cursor.startAtLatest = shard.open();
            }
            cursors.put(shard.shardId(), cursor);
        });
        if (!catchingUp && !saved.isEmpty() && !fedFrom.contains(identity())) {
            List<LiveRecord> restored = readBack.rebuild(currentStream, clock.instant().minus(WINDOW), saved,
                    this::toLiveRecord);
            feed.restored(restored);
        }
        if (!catchingUp) {
            fedFrom.add(identity());
        }
    }

    /** Reads the window back to the newest records, unannounced ({@link WindowReadBack#catchUp}). */
    private void catchUp() {
        boolean feedHolds = !fedFrom.add(identity());
        setState(LiveStatus.State.CATCHING_UP, "Catching up: reading back the last " + WINDOW.toMinutes()
                + " minutes of " + currentStream);
        feed.status(status());
        List<LiveRecord> restored = readBack.catchUp(currentStream, cursors.values(), clock.instant().minus(WINDOW),
                feedHolds, this::toLiveRecord, this::markDirty);
        catchingUp = false;
        feed.restored(restored);
    }

    private String identity() {
        return currentStream + "@" + streamCreatedAt;
    }

    private void clearCursors() {
        if (fanOut != null) {
            fanOut.cancelAll();
        }
        cursors.clear();
    }

    private void forgetConsumer() {
        if (fanOut != null) {
            fanOut.forgetConsumer();
        }
    }

    private String describeMode() {
        return fanOut == null ? " by polling GetRecords" : fanOut.describe();
    }

    /** Records read from a shard, by either reader: into the feed, and the checkpoint moves on. */
    private void arrivedOn(ShardCursor cursor, List<Record> records, Long millisBehindLatest) {
        cursor.millisBehindLatest = millisBehindLatest;
        List<LiveRecord> arrived = new ArrayList<>(records.size());
        for (Record record : records) {
            arrived.add(toLiveRecord(cursor.shard.shardId(), record));
            cursor.checkpoint = record.sequenceNumber();
        }
        if (!arrived.isEmpty()) {
            markDirty(cursor);
            feed.arrived(arrived);
        }
    }

    /** Readable when not finished and every listed parent is read to its end. */
    private boolean readable(ShardCursor cursor) {
        if (cursor.finished) {
            return false;
        }
        for (String parentId : new String[] {cursor.shard.parentShardId(), cursor.shard.adjacentParentShardId()}) {
            ShardCursor parent = parentId == null ? null : cursors.get(parentId);
            if (parent != null && !parent.finished) {
                return false;
            }
        }
        return true;
    }

    private void finish(ShardCursor cursor, List<ChildShard> children) {
        cursor.finished = true;
        cursor.millisBehindLatest = null;
        markDirty(cursor);
        log.info("Shard {} of {} is closed and read to its end; continuing with {}", cursor.shard.shardId(),
                currentStream, children.stream().map(ChildShard::shardId).toList());
        // list again at once so the children (which ListShards describes in full) become readable
        nextDiscovery = clock.instant();
    }

    private void markDirty(ShardCursor cursor) {
        dirty.put(cursor.shard.shardId(),
                new Checkpoints.Checkpoint(cursor.shard.shardId(), cursor.checkpoint, cursor.finished));
    }

    private void flushCheckpoints() {
        if (dirty.isEmpty() || currentStream == null || streamCreatedAt == null) {
            dirty.clear();
            return;
        }
        try {
            checkpoints.save(currentStream, streamCreatedAt, List.copyOf(dirty.values()));
            dirty.clear();
        } catch (RuntimeException e) {
            log.warn("Could not save the live consumer's checkpoints (will retry): {}", firstLine(e));
        }
    }

    private Duration untilNextWork() {
        Instant now = clock.instant();
        Instant next = nextDiscovery;
        if (state == LiveStatus.State.READING) {
            for (ShardCursor cursor : cursors.values()) {
                if (readable(cursor) && cursor.due.isBefore(next)) {
                    next = cursor.due;
                }
            }
        }
        Duration wait = Duration.between(now, next);
        return wait.isNegative() ? Duration.ZERO : min(wait, MAX_WAIT);
    }

    private void setState(LiveStatus.State newState, String message) {
        if (newState != state) {
            log.info("Live consumer: {}", message);
        }
        state = newState;
        stateMessage = message;
    }

    private LiveRecord toLiveRecord(String shardId, Record record) {
        byte[] data = record.data().asByteArrayUnsafe();
        CloudEventSummary event = emails.fillIn(CloudEventSummary.parse(data));
        return new LiveRecord(shardId, record.sequenceNumber(), record.partitionKey(),
                record.approximateArrivalTimestamp(), event.type(), event.member(), event.time(), data.length,
                CloudEventSummary.preview(data));
    }

    private KinesisClient kinesis() {
        return kinesisClient.get();
    }

    /** What both readers tell the consumer. */
    private final class ReaderEvents implements PollingReader.Events, FanOutSession.Events {
        @Override
        public void records(ShardCursor cursor, List<Record> records, Long millisBehindLatest) {
            arrivedOn(cursor, records, millisBehindLatest);
        }

        @Override
        public void finished(ShardCursor cursor, List<ChildShard> children) {
            finish(cursor, children);
        }

        @Override
        public void streamGone() {
            LiveConsumer.this.streamGone();
        }

        @Override
        public void lookAgainBy(Instant when) {
            nextDiscovery = nextDiscovery.isBefore(when) ? nextDiscovery : when;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
