package memberstream.live.tail;

import java.time.Duration;
import java.time.Instant;
import memberstream.live.ShardRange;

/**
 * One shard's reading state in the {@link LiveConsumer}, whichever reader moves it on.
 * Thread-safety: confined to the consumer thread.
 */
final class ShardCursor {
    final ShardRange shard;
    /** The polling reader's GetRecords iterator, null when a new one is needed. */
    String iterator;
    /** The last record handled, or null. */
    String checkpoint;
    boolean finished;
    /** When the shard is next read (polling) or (re)subscribed (fan-out). */
    Instant due = Instant.MIN;
    Duration backoff = Duration.ZERO;
    Long millisBehindLatest;
    long throttles;
    boolean startAtLatest;
    /**
     * Where to start when there is no checkpoint, before the initial position: after a catch-up that
     * found nothing since this time, the records that arrive from it on are the new ones.
     */
    Instant startAt;
    /** The live subscription's generation, 0 when none. */
    long generation;
    /** Where the last fan-out event left off. */
    String continuation;

    ShardCursor(ShardRange shard) {
        this.shard = shard;
    }

    /** Waits longer after each failure in a row, one to ten seconds. */
    void backOff(Instant now) {
        Duration max = Duration.ofSeconds(10);
        backoff = backoff.isZero() ? Duration.ofSeconds(1)
                : backoff.multipliedBy(2).compareTo(max) <= 0 ? backoff.multipliedBy(2) : max;
        due = now.plus(backoff);
    }
}
