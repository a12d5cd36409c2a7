package memberstream.live.tail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;

/**
 * The live consumer's enhanced fan-out on the stream it reads: whether to read through it (this
 * console's stream consumer ACTIVE, registered through the {@link FanOutReader}), one subscription per
 * readable shard from its checkpoint or last continuation, renewed a little before its five minutes are
 * up, and what to make of what the subscriptions deliver: records and the end of a closed shard go to
 * the {@link Events}; a subscription that ends is renewed, backed off, or, when the endpoint turns out
 * to have no fan-out (or it failed {@link #FAN_OUT_ATTEMPTS} times before anything arrived), given up
 * for polling until the stream changes.
 *
 * <p>Thread-safety: confined to the consumer thread, as the {@link LiveConsumer} and its cursors are;
 * the SDK's threads reach only the reader's queue.
 */
final class FanOutSession {

    private static final Logger log = LoggerFactory.getLogger(FanOutSession.class);
    /** A subscription lasts five minutes; a new one replaces it a little before, so no gap opens. */
    static final Duration RESUBSCRIBE_AFTER = Duration.ofSeconds(285);
    /** Failed subscriptions in a row, with nothing ever received, after which fan-out is given up. */
    private static final int FAN_OUT_ATTEMPTS = 3;

    /** What the subscriptions tell the consumer. */
    interface Events {
        void records(ShardCursor cursor, List<Record> records, Long millisBehindLatest);

        /** The shard is closed and read to its end. */
        void finished(ShardCursor cursor, List<ChildShard> children);

        /** The stream and the consumer are to be looked at again no later than {@code when}. */
        void lookAgainBy(Instant when);
    }

    private final FanOutReader reader;
    private final Map<String, ShardCursor> cursors;
    private final Clock clock;
    private final Events events;

    private boolean active;
    private String reason = "";
    private String consumerArn;
    private boolean givenUp;
    private boolean everDelivered;
    private int failures;

    /** @param cursors the consumer's cursors by shard id (the same map, read and changed on the same thread) */
    FanOutSession(FanOutReader reader, Map<String, ShardCursor> cursors, Clock clock, Events events) {
        this.reader = reader;
        this.cursors = cursors;
        this.clock = clock;
        this.events = events;
    }

    /** Whether shards are read through fan-out now (else by polling). */
    boolean active() {
        return active;
    }

    /** Starts over, for another stream: fan-out is tried again. */
    void reset() {
        consumerArn = null;
        active = false; // polling meanwhile: no subscription without a consumer
        givenUp = false;
        everDelivered = false;
        failures = 0;
    }

    /** The stream was recreated or is gone: its consumer is looked up (or registered) again. */
    void forgetConsumer() {
        consumerArn = null;
        active = false;
    }

    void cancelAll() {
        reader.cancelAll();
    }

    /** Ends the subscriptions and wakes the consumer thread if it waits for a delivery. */
    void close() {
        reader.cancelAll();
        reader.wake();
    }

    void awaitDelivery(Duration wait) throws InterruptedException {
        reader.awaitDelivery(wait.toMillis());
    }

    /** Fan-out when the endpoint has it and this console's consumer is active; polling meanwhile. */
    void choose(String stream, String streamArn) {
        if (givenUp || consumerArn != null || streamArn == null) {
            return;
        }
        FanOutReader.Readiness readiness;
        try {
            readiness = reader.prepare(streamArn);
        } catch (SdkClientException | KinesisException failed) {
            readiness = new FanOutReader.Pending("Could not register stream consumer " + reader.consumerName() + ": "
                    + FanOutReader.firstLine(failed));
        }
        if (readiness instanceof FanOutReader.Ready ready) {
            consumerArn = ready.consumerArn();
            active = true;
            reason = "";
            cursors.values().forEach(c -> {
                c.iterator = null;
                c.due = Instant.MIN;
            });
            log.info("Live consumer: reading {} through enhanced fan-out as {}", stream, reader.consumerName());
        } else if (readiness instanceof FanOutReader.Pending pending) {
            reason = pending.why();
            events.lookAgainBy(clock.instant().plusSeconds(1));
        } else if (readiness instanceof FanOutReader.Unsupported unsupported) {
            giveUp(stream, unsupported.why());
        }
    }

    /** How the status names the way of reading. */
    String describe() {
        if (active) {
            return " through enhanced fan-out (consumer " + reader.consumerName() + ")";
        }
        return " by polling GetRecords" + (reason.isEmpty() ? "" : " (" + reason + ")");
    }

    /** Subscribes to the cursor's shard from where it stands; due again for renewal before the five minutes end. */
    void subscribe(ShardCursor cursor) {
        String after = later(cursor.continuation, cursor.checkpoint);
        StartingPosition position = after != null
                ? StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after).build()
                : cursor.startAt != null
                ? StartingPosition.builder().type(ShardIteratorType.AT_TIMESTAMP).timestamp(cursor.startAt).build()
                : StartingPosition.builder().type(cursor.startAtLatest ? ShardIteratorType.LATEST
                : ShardIteratorType.TRIM_HORIZON).build();
        cursor.generation = reader.subscribe(consumerArn, cursor.shard.shardId(), position);
        cursor.due = clock.instant().plus(RESUBSCRIBE_AFTER);
    }

    /**
     * The later of two sequence numbers of one shard (decimal strings): the continuation of an earlier
     * subscription can lie behind a checkpoint that polling moved on meanwhile.
     */
    static String later(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        try {
            return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b)) >= 0 ? a : b;
        } catch (NumberFormatException notDecimal) {
            return b; // an endpoint with its own numbering: the checkpoint is what this console last read
        }
    }

    /** Applies what the subscriptions delivered since the last call. */
    void drain(String stream) {
        reader.drain().forEach(delivery -> handle(stream, delivery));
    }

    /** Deliveries of replaced subscriptions are dropped. */
    private void handle(String stream, FanOutReader.Delivery delivery) {
        ShardCursor cursor = cursors.get(delivery.shardId());
        if (cursor == null || cursor.generation != delivery.generation() || !active) {
            return;
        }
        if (delivery instanceof FanOutReader.Batch batch) {
            arrived(cursor, batch);
        } else if (delivery instanceof FanOutReader.Ended ended) {
            ended(stream, cursor, ended);
        }
    }

    private void arrived(ShardCursor cursor, FanOutReader.Batch batch) {
        everDelivered = true;
        failures = 0;
        cursor.backoff = Duration.ZERO;
        if (batch.continuation() != null) {
            cursor.continuation = batch.continuation();
        }
        events.records(cursor, batch.records(), batch.millisBehindLatest());
        if (batch.continuation() == null && !batch.children().isEmpty()) {
            reader.cancel(cursor.shard.shardId());
            cursor.generation = 0;
            events.finished(cursor, batch.children());
        } else {
            batch.handled().run();
        }
    }

    private void ended(String stream, ShardCursor cursor, FanOutReader.Ended ended) {
        reader.ended(cursor.shard.shardId(), ended.generation());
        cursor.generation = 0;
        Throwable error = FanOutReader.unwrap(ended.error() == null ? new Exception() : ended.error());
        if (ended.error() == null) {
            cursor.due = clock.instant();
        } else if (FanOutReader.notSupported(error)) {
            giveUp(stream, "the endpoint has no enhanced fan-out: " + FanOutReader.firstLine(error));
        } else if (error instanceof ResourceNotFoundException) {
            consumerArn = null; // the consumer (or the stream) is gone: look again, register again
            active = false;
            events.lookAgainBy(clock.instant());
        } else if (error instanceof InvalidArgumentException) {
            log.info("SubscribeToShard on {} refused its starting position; reading from the oldest record: {}",
                    cursor.shard.shardId(), FanOutReader.firstLine(error));
            cursor.continuation = null;
            cursor.checkpoint = null;
            cursor.startAt = null;
            cursor.due = clock.instant();
        } else if (!everDelivered && FanOutReader.clientSide(error) && ++failures >= FAN_OUT_ATTEMPTS) {
            giveUp(stream, "SubscribeToShard failed " + failures + " times: " + FanOutReader.firstLine(error));
        } else {
            if (error instanceof ResourceInUseException || error instanceof LimitExceededException) {
                cursor.throttles++;
            }
            cursor.backOff(clock.instant());
            log.debug("SubscribeToShard on {} ended, again in {}: {}", cursor.shard.shardId(), cursor.backoff,
                    FanOutReader.firstLine(error));
        }
    }

    private void giveUp(String stream, String why) {
        if (!givenUp) {
            log.info("Live consumer: reading {} by polling GetRecords: {}", stream, why);
        }
        givenUp = true;
        reader.cancelAll();
        consumerArn = null;
        active = false;
        reason = why;
        cursors.values().forEach(c -> {
            c.generation = 0;
            c.iterator = null;
            c.due = Instant.MIN;
        });
    }
}
