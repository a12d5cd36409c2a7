package memberstream.live.tail;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Where the consumer keeps its read position per shard. A stream is identified by its name and its
 * creation time, so that a stream deleted and created again under the same name starts afresh.
 */
interface Checkpoints {

    /** The saved positions by shard id; positions of an older stream of that name are dropped. */
    Map<String, Checkpoint> load(String streamName, Instant streamCreatedAt);

    /** Saves the given positions (inserts or updates), all in one transaction. */
    void save(String streamName, Instant streamCreatedAt, Collection<Checkpoint> checkpoints);

    /**
     * @param sequenceNumber the last record handled on the shard, or null if none yet
     * @param finished       the shard is closed and read to its end
     */
    record Checkpoint(String shardId, String sequenceNumber, boolean finished) {
    }
}
