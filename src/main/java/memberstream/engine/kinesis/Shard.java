package memberstream.engine.kinesis;

/**
 * One shard: its place in the hash key space and in the record log, its lineage, and the index of
 * its records. Identity fields are final; {@code closedPosition}/{@code closedAt} change once, under
 * the store's lock, and are volatile so readers see them. The throughput windows are guarded by the
 * shard's monitor.
 */
final class Shard {

    final int uid;
    final int index;
    final String shardId;
    final String parentShardId;
    final String adjacentParentShardId;
    final HashKey startKey;
    final HashKey endKey;
    /** The record log's end when the shard was created: its records all lie at or after it. */
    final long startPosition;
    final long createdAt;
    volatile long closedPosition = -1;
    volatile long closedAt;
    final ShardIndex records = new ShardIndex();
    /**
     * Told after records of this shard became durable, on the writer's thread (so they only schedule
     * work): how fan-out subscriptions learn of new records without polling.
     */
    final java.util.concurrent.CopyOnWriteArrayList<Runnable> durableListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Arrival time of the newest record; arrivals never go backwards within a shard. Guarded by the store's lock. */
    long lastArrival = Long.MIN_VALUE;

    private long writeSecond = Long.MIN_VALUE;
    private int writeRecords;
    private long writeBytes;
    private long readSecond = Long.MIN_VALUE;
    private int readCalls;
    private long readBytes;

    Shard(int uid, int index, String parentShardId, String adjacentParentShardId, HashKey startKey, HashKey endKey,
          long startPosition, long createdAt) {
        this.uid = uid;
        this.index = index;
        this.shardId = ShardId.format(index);
        this.parentShardId = parentShardId;
        this.adjacentParentShardId = adjacentParentShardId;
        this.startKey = startKey;
        this.endKey = endKey;
        this.startPosition = startPosition;
        this.createdAt = createdAt;
    }

    boolean isOpen() {
        return closedPosition < 0;
    }

    boolean covers(HashKey key) {
        return startKey.compareTo(key) <= 0 && key.compareTo(endKey) <= 0;
    }

    boolean overlaps(Shard other) {
        return startKey.compareTo(other.endKey) <= 0 && other.startKey.compareTo(endKey) <= 0;
    }

    /** Takes one record from this second's write allowance (1,000 records and 1 MiB a second); false if spent. */
    synchronized boolean tryWrite(long nowMillis, int bytes) {
        long second = Math.floorDiv(nowMillis, 1000);
        if (second != writeSecond) {
            writeSecond = second;
            writeRecords = 0;
            writeBytes = 0;
        }
        if (writeRecords + 1 > 1000 || writeBytes + bytes > 1024 * 1024) {
            return false;
        }
        writeRecords++;
        writeBytes += bytes;
        return true;
    }

    /** Takes one read call from this second's allowance (5 calls, 2 MiB a second); false if spent. */
    synchronized boolean tryRead(long nowMillis) {
        long second = Math.floorDiv(nowMillis, 1000);
        if (second != readSecond) {
            readSecond = second;
            readCalls = 0;
            readBytes = 0;
        }
        if (readCalls + 1 > 5 || readBytes >= 2L * 1024 * 1024) {
            return false;
        }
        readCalls++;
        return true;
    }

    synchronized void countRead(long bytes) {
        readBytes += bytes;
    }
}
