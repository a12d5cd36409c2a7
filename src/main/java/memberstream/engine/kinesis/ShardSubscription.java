package memberstream.engine.kinesis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import memberstream.engine.protocol.AwsErrorCode;
import memberstream.engine.protocol.EventStreamEncoding;
import memberstream.engine.protocol.ResponseStream;
import memberstream.engine.protocol.ResponseStreamSink;
import memberstream.engine.protocol.WireFormat;

/**
 * One SubscribeToShard subscription: the body of its event stream. It first sends the
 * {@code initial-response} event, then a {@code SubscribeToShardEvent} whenever records of its shard
 * become durable (woken by the shard's listener, never by polling), at least every
 * {@link ShardSubscriptions#HEARTBEAT_MILLIS} otherwise, and at the end of a closed shard one naming
 * the children, after which the stream ends. It also ends after {@link ShardSubscriptions#LIFETIME_MILLIS}
 * on the engine's clock, when the client goes away, or with an {@code exception} message when it is
 * taken over or its consumer or stream is gone. One whose event stream the server never opens (its
 * answer was never written) is released after {@link ShardSubscriptions#OPEN_WITHIN_MILLIS}, so it
 * holds no shared batches, listener or registry entry for good.
 *
 * <p>Each event's {@code ContinuationSequenceNumber} is the number just before the next record to send,
 * so that {@code AFTER_SEQUENCE_NUMBER} of it resumes exactly there. Thread-safety: deliveries run
 * under the instance's monitor, woken at most once at a time; {@link #wake} may be called from any
 * thread. Lock order: the monitor may be held while taking the store's lock, never the other way.
 */
final class ShardSubscription implements ResponseStream {

    private final ShardSubscriptions hub;
    private final String key;
    private final KinesisStream stream;
    private final StreamConsumer consumer;
    private final Shard shard;
    private final WireFormat format;
    private final Supplier<List<Object>> children;
    private final long startedAt;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Runnable listener = this::wake;
    private final SharedBatches batches;
    /** What the last event said, -1 before the first; read by {@link SubscriptionListing}. */
    private volatile long millisBehindLatest = -1;

    /** Guarded by this. */
    private ResponseStreamSink sink;
    private long position;
    /** When the last event went out; far enough in the past that the first delivery always sends one. */
    private long lastEventAt = Long.MIN_VALUE / 4;
    private boolean ended;
    private long windowSecond = Long.MIN_VALUE;
    private long windowBytes;

    ShardSubscription(ShardSubscriptions hub, String key, KinesisStream stream, StreamConsumer consumer, Shard shard,
                      long position, WireFormat format, Supplier<List<Object>> children, long startedAt) {
        this.hub = hub;
        this.key = key;
        this.stream = stream;
        this.consumer = consumer;
        this.shard = shard;
        this.position = position;
        this.format = format;
        this.children = children;
        this.startedAt = startedAt;
        this.batches = hub.joinBatches(shard);
    }

    String key() {
        return key;
    }

    KinesisStream stream() {
        return stream;
    }

    StreamConsumer consumer() {
        return consumer;
    }

    long startedAt() {
        return startedAt;
    }

    Shard shard() {
        return shard;
    }

    /** The position of the next record to send. */
    synchronized long position() {
        return position;
    }

    long millisBehindLatest() {
        return millisBehindLatest;
    }

    /** Not ended yet (including not yet opened by the server). */
    synchronized boolean isLive() {
        return !ended && (sink == null || sink.isOpen());
    }

    /**
     * Releases this subscription if its event stream was not opened within
     * {@link ShardSubscriptions#OPEN_WITHIN_MILLIS} of {@code now}; a later {@link #open} ends the stream at once.
     * Returns whether it was released.
     */
    synchronized boolean releaseIfNeverOpened(long now) {
        if (ended || sink != null || now - startedAt < ShardSubscriptions.OPEN_WITHIN_MILLIS) {
            return false;
        }
        finish();
        return true;
    }

    @Override
    public void open(ResponseStreamSink opened) {
        synchronized (this) {
            if (ended) {
                opened.end();
                return;
            }
            sink = opened;
            sink.send(EventStreamEncoding.event("initial-response", format.contentType(),
                    hub.codec().write(Map.of(), format)));
            shard.durableListeners.add(listener);
        }
        opened.onClose(this::closed);
        wake();
    }

    /** Asks for a delivery soon, on the hub's executor; cheap and safe from any thread. */
    void wake() {
        if (wakePending.compareAndSet(false, true)) {
            hub.execute(this::deliver);
        }
    }

    private void deliver() {
        wakePending.set(false);
        long again;
        synchronized (this) {
            if (ended || sink == null) {
                return;
            }
            if (!sink.isOpen()) {
                finish();
                return;
            }
            long now = hub.store().now();
            if (now - startedAt >= ShardSubscriptions.LIFETIME_MILLIS) {
                sink.end();
                finish();
                return;
            }
            again = sink.isWritable() ? deliverOnce(now) : 20;
        }
        if (again == 0) {
            wake();
        } else if (again > 0) {
            hub.schedule(this::wake, again);
        }
    }

    /** Sends at most one event; returns -1 when done for now, 0 to go on at once, or milliseconds to wait. */
    private long deliverOnce(long now) {
        KinesisStore store = hub.store();
        long allowance = ShardSubscriptions.MAX_EVENT_BYTES;
        if (store.throughputLimits()) {
            long second = Math.floorDiv(now, 1000);
            if (second != windowSecond) {
                windowSecond = second;
                windowBytes = 0;
            }
            allowance = Math.min(allowance, ShardSubscriptions.BYTES_PER_SECOND - windowBytes);
            if (allowance <= 0) {
                return 1000 - Math.floorMod(now, 1000);
            }
        }
        long from = position;
        long limit = allowance;
        SharedBatches.Batch batch = batches.batch(from, format, limit, generation -> {
            long notBefore = now - stream.retentionHours * 3_600_000L;
            KinesisStore.Read read = store.read(shard, from, notBefore, ShardSubscriptions.MAX_EVENT_RECORDS, limit);
            return SharedBatches.Batch.encode(from, format, generation, read, shard.uid, stream.encryptionType, hub.codec());
        });
        boolean endOfShard = !shard.isOpen() && !batch.more() && store.durableThrough(shard.closedPosition);
        boolean heartbeatDue = now - lastEventAt >= ShardSubscriptions.HEARTBEAT_MILLIS;
        if (batch.count() == 0 && !endOfShard && !heartbeatDue) {
            return -1;
        }
        String continuation = endOfShard ? null : new SequenceNumber(batch.next() - 1, shard.uid).format();
        long behind = batch.more() ? Math.max(0, now - batch.nextArrival()) : 0;
        sink.send(SubscribeToShardEvent.message(hub.codec(), format, batch.records(), continuation, behind,
                endOfShard ? children.get() : null));
        position = batch.next();
        lastEventAt = now;
        millisBehindLatest = behind;
        windowBytes += batch.bytes();
        if (endOfShard) {
            sink.end();
            finish();
            return -1;
        }
        return batch.more() ? 0 : -1;
    }

    /** Ends the stream with an {@code exception} message (taken over, consumer or stream gone). */
    void endWith(AwsErrorCode code, String message) {
        synchronized (this) {
            if (ended) {
                return;
            }
            if (sink != null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("message", message);
                sink.send(EventStreamEncoding.exception(code.type(), format.contentType(), hub.codec().write(body, format)));
                sink.end();
            }
            finish();
        }
    }

    /** Ends without a word (engine shutting down). */
    synchronized void endQuietly() {
        if (!ended && sink != null) {
            sink.end();
        }
        finish();
    }

    private void closed() {
        synchronized (this) {
            finish();
        }
    }

    /** Call holding the monitor. */
    private void finish() {
        if (!ended) {
            hub.leaveBatches(shard);
        }
        ended = true;
        shard.durableListeners.remove(listener);
        hub.forget(this);
    }

    @Override
    public String toString() {
        return "subscription " + key;
    }
}
