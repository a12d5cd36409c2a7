package memberstream.engine.kinesis;

import java.util.Arrays;

/**
 * The in-memory index of one shard's records: their log positions and arrival times, in order.
 * Rebuilt from the record log on start. Entries before {@code head} are trimmed (past retention).
 * Thread-safe: every method synchronises on the index; the writer appends under the store's lock.
 */
final class ShardIndex {

    private long[] positions = new long[256];
    private long[] arrivals = new long[256];
    private int head;
    private int size;

    synchronized void add(long position, long arrival) {
        if (size == positions.length) {
            int live = size - head;
            int capacity = live * 2 >= positions.length ? positions.length * 2 : positions.length;
            long[] newPositions = new long[capacity];
            long[] newArrivals = new long[capacity];
            System.arraycopy(positions, head, newPositions, 0, live);
            System.arraycopy(arrivals, head, newArrivals, 0, live);
            positions = newPositions;
            arrivals = newArrivals;
            size = live;
            head = 0;
        }
        positions[size] = position;
        arrivals[size] = arrival;
        size++;
    }

    synchronized long lastArrival() {
        return size > head ? arrivals[size - 1] : Long.MIN_VALUE;
    }

    synchronized int count() {
        return size - head;
    }

    /** Drops the records that arrived before {@code cutoff}; returns the position of the first one kept, or -1 if none is. */
    synchronized long trimArrivedBefore(long cutoff) {
        while (head < size && arrivals[head] < cutoff) {
            head++;
        }
        return head < size ? positions[head] : -1;
    }

    /** The position of the first record that arrived at or after {@code millis}, or -1 if none did (yet). */
    synchronized long firstArrivedAtOrAfter(long millis) {
        int from = head;
        int to = size;
        while (from < to) {
            int mid = (from + to) >>> 1;
            if (arrivals[mid] < millis) {
                from = mid + 1;
            } else {
                to = mid;
            }
        }
        return from < size ? positions[from] : -1;
    }

    /**
     * A copy of up to {@code limit} records from the first at or after {@code position} that arrived
     * at or after {@code notBefore} and lie below {@code visibleEnd}.
     */
    synchronized Slice slice(long position, long notBefore, long visibleEnd, int limit) {
        int from = Arrays.binarySearch(positions, head, size, position);
        if (from < 0) {
            from = -from - 1;
        }
        while (from < size && arrivals[from] < notBefore) {
            from++;
        }
        int to = from;
        while (to < size && to - from < limit && positions[to] < visibleEnd) {
            to++;
        }
        int remaining = 0;
        long nextArrival = -1;
        if (to < size && positions[to] < visibleEnd) {
            remaining = 1;
            nextArrival = arrivals[to];
        }
        return new Slice(Arrays.copyOfRange(positions, from, to), Arrays.copyOfRange(arrivals, from, to),
                remaining > 0, nextArrival);
    }

    /** Records read from the index; {@code more} says whether visible records follow them. */
    record Slice(long[] positions, long[] arrivals, boolean more, long nextArrival) {
    }
}
