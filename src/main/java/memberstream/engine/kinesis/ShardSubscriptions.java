package memberstream.engine.kinesis;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import memberstream.engine.protocol.WireCodec;
import memberstream.engine.protocol.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live SubscribeToShard subscriptions (enhanced fan-out), at most one per consumer and shard.
 * A second subscription of the same consumer and shard takes over from the first, unless the first
 * is still open and began less than {@link #TAKEOVER_MILLIS} ago (ResourceInUseException, as on AWS).
 * Deliveries run on a small executor of their own, woken by the shards' durable-record listeners,
 * and once a second by a heartbeat that ends expired subscriptions and those of deleted streams, and
 * releases those whose event stream was never opened.
 * Thread-safe: the registry is a concurrent map; each subscription serialises its own deliveries.
 */
final class ShardSubscriptions implements AutoCloseable {

    /** A subscription ends after five minutes, as on AWS; clients subscribe again with the continuation. */
    static final long LIFETIME_MILLIS = 300_000;
    static final long TAKEOVER_MILLIS = 5_000;
    /**
     * A subscription whose event stream the server has not opened this long after SubscribeToShard
     * answered (the answer was never written, say the connection went first) is released.
     */
    static final long OPEN_WITHIN_MILLIS = 10_000;
    /** An event (maybe without records) at least this often, so clients see MillisBehindLatest and that all is well. */
    static final long HEARTBEAT_MILLIS = 5_000;
    /** Per consumer and shard when throughput limits are on. */
    static final long BYTES_PER_SECOND = 2L * 1024 * 1024;
    static final long MAX_EVENT_BYTES = 1024 * 1024;
    static final int MAX_EVENT_RECORDS = 10_000;
    /** Encoded batches kept for sharing between subscriptions, all shards together. */
    static final long SHARED_BATCH_BYTES = 64L * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ShardSubscriptions.class);

    private final KinesisStore store;
    private final WireCodec codec;
    private final Map<String, ShardSubscription> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private final Map<Shard, SharedBatches> sharedBatches = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong sharedBudget = new java.util.concurrent.atomic.AtomicLong(SHARED_BATCH_BYTES);
    private final java.util.concurrent.atomic.AtomicLong batchesRead = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean sharing = new java.util.concurrent.atomic.AtomicBoolean(true);

    ShardSubscriptions(KinesisStore store, WireCodec codec) {
        this.store = store;
        this.codec = codec;
        this.executor = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "engine-kinesis-fanout");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::heartbeat, 1, 1, TimeUnit.SECONDS);
    }

    KinesisStore store() {
        return store;
    }

    WireCodec codec() {
        return codec;
    }

    /**
     * A new subscription of {@code consumer} to {@code shard} from {@code position}, replacing the
     * current one. Call without the store's lock (see the lock order in {@link ShardSubscription}).
     */
    synchronized ShardSubscription subscribe(KinesisStream stream, StreamConsumer consumer, Shard shard, long position, WireFormat format,
                                Supplier<List<Object>> children) {
        String key = stream.name + "/" + consumer.name + ":" + consumer.createdAt + "/" + shard.uid;
        long now = store.now();
        ShardSubscription previous = active.get(key);
        if (previous != null && previous.isLive()) {
            if (now - previous.startedAt() < TAKEOVER_MILLIS) {
                throw KinesisError.RESOURCE_IN_USE.exception("Another active subscription exists for consumer "
                        + consumer.name + " on shard " + shard.shardId + " in stream " + stream.name + " under account "
                        + KinesisStore.ACCOUNT + "; a new one may take over " + TAKEOVER_MILLIS / 1000
                        + " seconds after it began.");
            }
            previous.endWith(KinesisError.RESOURCE_IN_USE, "A new subscription for consumer " + consumer.name
                    + " on shard " + shard.shardId + " took over from this one.");
        }
        ShardSubscription subscription = new ShardSubscription(this, key, stream, consumer, shard, position, format,
                children, now);
        active.put(key, subscription);
        return subscription;
    }

    /** Ends the subscriptions of a consumer that was deregistered. */
    void endConsumer(String streamName, StreamConsumer consumer) {
        for (ShardSubscription subscription : active.values()) {
            if (subscription.consumer() == consumer) {
                subscription.endWith(KinesisError.RESOURCE_NOT_FOUND, "Consumer " + consumer.name + " of stream "
                        + streamName + " under account " + KinesisStore.ACCOUNT + " was deregistered.");
            }
        }
    }

    /** How many subscriptions are open (for tests and the benchmark). */
    int openCount() {
        return (int) active.values().stream().filter(ShardSubscription::isLive).count();
    }

    /**
     * The shared batches of {@code shard}, for one more subscription; call {@link #leaveBatches} once
     * when it ends. The first user registers the batches' durable listener, before its own.
     */
    SharedBatches joinBatches(Shard shard) {
        return sharedBatches.compute(shard, (s, batches) -> {
            if (batches == null) {
                batches = new SharedBatches(sharedBudget, batchesRead, sharing);
                s.durableListeners.add(batches.listener);
            }
            batches.users++;
            return batches;
        });
    }

    void leaveBatches(Shard shard) {
        sharedBatches.computeIfPresent(shard, (s, batches) -> {
            if (--batches.users > 0) {
                return batches;
            }
            s.durableListeners.remove(batches.listener);
            batches.clear();
            return null;
        });
    }

    /** How many batches of records subscriptions read and encoded (shared ones once), for tests and the benchmark. */
    long batchesRead() {
        return batchesRead.get();
    }

    /** Turns the sharing of batches between subscriptions off or on (on by default), for the benchmark's comparison. */
    void shareBatches(boolean on) {
        sharing.set(on);
    }

    /** The open subscriptions (for {@link SubscriptionListing}). */
    List<ShardSubscription> open() {
        return active.values().stream().filter(ShardSubscription::isLive).toList();
    }

    void forget(ShardSubscription subscription) {
        active.remove(subscription.key(), subscription);
    }

    void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closing) {
            // The engine is shutting down; its subscriptions end with their connections.
        }
    }

    void schedule(Runnable task, long delayMillis) {
        try {
            executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // As above.
        }
    }

    /** Runs once a second on the executor; package-private so tests can run it at once. */
    void heartbeat() {
        try {
            long now = store.now();
            for (ShardSubscription subscription : active.values()) {
                if (subscription.releaseIfNeverOpened(now)) {
                    log.debug("Released {}: its event stream was never opened", subscription);
                    continue;
                }
                KinesisStream stream = subscription.stream();
                boolean gone = store.locked(() -> store.find(stream.name) != stream || stream.deletedAt != null);
                if (gone) {
                    subscription.endWith(KinesisError.RESOURCE_NOT_FOUND, "Stream " + stream.name + " under account "
                            + KinesisStore.ACCOUNT + " was deleted.");
                } else {
                    subscription.wake();
                }
            }
        } catch (RuntimeException e) {
            log.warn("Fan-out heartbeat failed", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        for (ShardSubscription subscription : active.values()) {
            subscription.endQuietly();
        }
        active.clear();
    }
}
