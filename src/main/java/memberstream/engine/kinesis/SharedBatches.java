package memberstream.engine.kinesis;

import java.util.concurrent.atomic.AtomicLong;
import memberstream.engine.protocol.WireCodec;
import memberstream.engine.protocol.WireFormat;

/**
 * The batches of one shard's records lately read and encoded for its fan-out subscriptions, so that
 * every subscription at the same position in the same format shares one read and one encoding of the
 * {@code Records} array; each still writes its own continuation and MillisBehindLatest around it.
 *
 * <p>A batch that read everything there was ({@code more} false) is only reused while no record of
 * the shard became durable since the read began: the shard's durable listener bumps the generation,
 * and that listener is registered before any subscription's, so a subscription woken for new records
 * never takes a batch without them. A batch cut short by the size limits stays valid: its records and
 * the arrival of the next one do not change. At most {@link #KEPT} batches a shard, and only while two
 * or more subscriptions read it; all shards together keep at most {@code budget} bytes.
 *
 * <p>Thread-safe: finding or reading a batch happens under this object's monitor, so subscriptions
 * woken together read once (lock order: a subscription's monitor, then this one, then the store's
 * lock). The generation is an atomic the listener bumps without a lock (it runs on the writer's
 * thread, maybe under the store's lock). {@code users} changes only inside {@link ShardSubscriptions}'
 * map compute for the shard.
 */
final class SharedBatches {

    static final int KEPT = 2;

    /** One read batch and its encoded {@code Records} array; {@code next} is the position after its last record. */
    record Batch(long from, WireFormat format, long generation, long next, int count, long bytes, boolean more,
                 long nextArrival, byte[] records) {

        static Batch encode(long from, WireFormat format, long generation, KinesisStore.Read read, int shardUid,
                            String encryptionType, WireCodec codec) {
            int count = read.records().size();
            long next = count == 0 ? from : read.records().get(count - 1).position() + 1;
            byte[] records = codec.write(new RecordList(read.records(), shardUid, encryptionType), format);
            return new Batch(from, format, generation, next, count, read.bytes(), read.more(), read.nextArrival(), records);
        }
    }

    final Runnable listener = this::recordsBecameDurable;
    volatile int users;

    private final AtomicLong budget;
    private final java.util.concurrent.atomic.AtomicBoolean sharing;
    private final Batch[] kept = new Batch[KEPT];
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong reads;
    private int oldest;

    /**
     * @param budget bytes all shards may still keep, shared and debited by every instance
     * @param reads  counts the batches read and encoded (all shards), for tests and the benchmark
     * @param sharing false keeps nothing (the benchmark's comparison)
     */
    SharedBatches(AtomicLong budget, AtomicLong reads, java.util.concurrent.atomic.AtomicBoolean sharing) {
        this.budget = budget;
        this.reads = reads;
        this.sharing = sharing;
    }

    private void recordsBecameDurable() {
        generation.incrementAndGet();
    }

    /** A reader of a new batch, given the generation to stamp it with (taken before the read). */
    interface Reader {
        Batch read(long generation);
    }

    /**
     * The batch from {@code from} in {@code format} within {@code maxBytes}: a kept one that is still
     * valid, or else the one {@code reader} reads now, kept for the others.
     */
    synchronized Batch batch(long from, WireFormat format, long maxBytes, Reader reader) {
        long current = generation.get();
        for (Batch batch : kept) {
            if (batch != null && batch.from() == from && batch.format() == format && batch.bytes() <= maxBytes
                    && (batch.more() || batch.generation() == current)) {
                return batch;
            }
        }
        Batch batch = reader.read(current);
        reads.incrementAndGet();
        keep(batch);
        return batch;
    }

    /** Keeps a batch (even an empty one: heartbeats read too) for the other subscriptions, if the budget allows. */
    private void keep(Batch batch) {
        if (users < 2 || !sharing.get()) {
            return;
        }
        Batch replaced = kept[oldest];
        long freed = replaced == null ? 0 : replaced.records().length;
        long change = batch.records().length - freed;
        if (budget.addAndGet(-change) < 0) {
            budget.addAndGet(change);
            return;
        }
        kept[oldest] = batch;
        oldest = (oldest + 1) % KEPT;
    }

    /** Drops every kept batch and returns their bytes to the budget (the last subscription left). */
    synchronized void clear() {
        for (int i = 0; i < KEPT; i++) {
            if (kept[i] != null) {
                budget.addAndGet(kept[i].records().length);
                kept[i] = null;
            }
        }
    }
}
