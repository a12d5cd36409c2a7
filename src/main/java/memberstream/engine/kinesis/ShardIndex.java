package memberstream.engine.kinesis;

import java.util.Arrays;

/**
 * The in-memory index of one shard's records: their log positions and arrival times, in order.
 * Rebuilt from the record log on start. Entries before the head are trimmed (past retention).
 * <p>
 * Layout (8 bytes a record): fixed-size chunks of up to {@value #CHUNK} entries, each holding a base
 * position and base arrival and, per record, two {@code int} offsets from them. A record whose offset
 * would not fit (another stream wrote gigabytes in between, or weeks passed) starts a new chunk. Chunks
 * are never copied once full, so growth has no doubling spike; a chunk after a partly filled one (or
 * the first) starts small and doubles up to {@value #CHUNK} so that idle shards stay cheap. Lookups are two binary searches
 * (chunk, then entry): O(log n).
 * <p>
 * Thread-safe: every method synchronises on the index; the writer appends under the store's lock.
 * Positions and arrivals are appended in non-decreasing order (the store guarantees it).
 */
final class ShardIndex {

    static final int CHUNK = 8192;
    private static final int FIRST_CAPACITY = 64;
    /** Entries a {@link #slice} makes room for at first. */
    private static final int SLICE_START = 64;

    /** One run of entries sharing a base; {@code count} of the arrays' slots are used. */
    private static final class Chunk {
        final long basePosition;
        final long baseArrival;
        int[] positionOffsets;
        int[] arrivalOffsets;
        int count;

        Chunk(long basePosition, long baseArrival, int capacity) {
            this.basePosition = basePosition;
            this.baseArrival = baseArrival;
            this.positionOffsets = new int[capacity];
            this.arrivalOffsets = new int[capacity];
        }

        long position(int i) {
            return basePosition + positionOffsets[i];
        }

        long arrival(int i) {
            return baseArrival + arrivalOffsets[i];
        }

        long lastPosition() {
            return position(count - 1);
        }

        long lastArrival() {
            return arrival(count - 1);
        }

        /** Appends if the offsets fit and there is (or may be made) room; false if a new chunk is needed. */
        boolean tryAdd(long position, long arrival) {
            long positionOffset = position - basePosition;
            long arrivalOffset = arrival - baseArrival;
            if (positionOffset < 0 || positionOffset > Integer.MAX_VALUE
                    || arrivalOffset < 0 || arrivalOffset > Integer.MAX_VALUE) {
                return false;
            }
            if (count == positionOffsets.length) {
                if (count >= CHUNK) {
                    return false;
                }
                int capacity = Math.min(CHUNK, count * 2);
                positionOffsets = Arrays.copyOf(positionOffsets, capacity);
                arrivalOffsets = Arrays.copyOf(arrivalOffsets, capacity);
            }
            positionOffsets[count] = (int) positionOffset;
            arrivalOffsets[count] = (int) arrivalOffset;
            count++;
            return true;
        }

        /** The first entry index at or after {@code from} whose position is at least {@code position}. */
        int firstPositionAtLeast(int from, long position) {
            int lo = from;
            int hi = count;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (position(mid) < position) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** The first entry index at or after {@code from} whose arrival is at least {@code millis}. */
        int firstArrivalAtLeast(int from, long millis) {
            int lo = from;
            int hi = count;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (arrival(mid) < millis) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** Live chunks are {@code chunks[firstChunk .. chunkCount)}; entries of the first before {@code head} are trimmed. */
    private Chunk[] chunks = new Chunk[4];
    private int firstChunk;
    private int chunkCount;
    private int head;
    private long live;

    synchronized void add(long position, long arrival) {
        if (chunkCount > firstChunk && chunks[chunkCount - 1].tryAdd(position, arrival)) {
            live++;
            return;
        }
        boolean growing = chunkCount > firstChunk && chunks[chunkCount - 1].count == CHUNK;
        Chunk chunk = new Chunk(position, arrival, growing ? CHUNK : FIRST_CAPACITY);
        chunk.tryAdd(position, arrival);
        appendChunk(chunk);
        live++;
    }

    private void appendChunk(Chunk chunk) {
        if (chunkCount == chunks.length) {
            int used = chunkCount - firstChunk;
            Chunk[] target = used * 2 >= chunks.length ? new Chunk[chunks.length * 2] : chunks;
            System.arraycopy(chunks, firstChunk, target, 0, used);
            if (target == chunks) {
                Arrays.fill(chunks, used, chunkCount, null);
            }
            chunks = target;
            chunkCount = used;
            firstChunk = 0;
        }
        chunks[chunkCount++] = chunk;
    }

    synchronized long lastArrival() {
        return live > 0 ? chunks[chunkCount - 1].lastArrival() : Long.MIN_VALUE;
    }

    synchronized long count() {
        return live;
    }

    /** Drops the records that arrived before {@code cutoff}; returns the position of the first one kept, or -1 if none is. */
    synchronized long trimArrivedBefore(long cutoff) {
        while (firstChunk < chunkCount) {
            Chunk chunk = chunks[firstChunk];
            if (chunk.lastArrival() < cutoff) {
                live -= chunk.count - head;
                chunks[firstChunk++] = null;
                head = 0;
                continue;
            }
            int keep = chunk.firstArrivalAtLeast(head, cutoff);
            live -= keep - head;
            head = keep;
            return chunk.position(head);
        }
        return -1;
    }

    /** The position of the first record that arrived at or after {@code millis}, or -1 if none did (yet). */
    synchronized long firstArrivedAtOrAfter(long millis) {
        int c = firstChunkWhere(millis, false);
        if (c == chunkCount) {
            return -1;
        }
        Chunk chunk = chunks[c];
        return chunk.position(chunk.firstArrivalAtLeast(c == firstChunk ? head : 0, millis));
    }

    /**
     * The first live chunk whose last position (or arrival) is at least {@code value}, or
     * {@code chunkCount} if there is none; chunks are ordered by both.
     */
    private int firstChunkWhere(long value, boolean byPosition) {
        int lo = firstChunk;
        int hi = chunkCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long last = byPosition ? chunks[mid].lastPosition() : chunks[mid].lastArrival();
            if (last < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * A copy of up to {@code limit} records from the first at or after {@code position} that arrived
     * at or after {@code notBefore} and lie below {@code visibleEnd}.
     */
    synchronized Slice slice(long position, long notBefore, long visibleEnd, int limit) {
        int c = firstChunkWhere(position, true);
        int i = c < chunkCount ? chunks[c].firstPositionAtLeast(c == firstChunk ? head : 0, position) : 0;
        // Skip records past retention: arrivals are ordered, so a search finds the first one kept.
        if (c < chunkCount && chunks[c].arrival(i) < notBefore) {
            int byArrival = firstChunkWhere(notBefore, false);
            if (byArrival > c) {
                c = byArrival;
                i = 0;
            }
            if (c < chunkCount) {
                i = chunks[c].firstArrivalAtLeast(i, notBefore);
            }
        }
        // Sized for what a tailing reader usually finds (a few new records), grown on demand: sizing it
        // for the limit allocated 160 KB a read on a long shard, most of the garbage of a fan-out delivery.
        long[] positions = new long[(int) Math.min(Math.min(limit, live), SLICE_START)];
        long[] arrivals = new long[positions.length];
        int n = 0;
        while (c < chunkCount && n < limit) {
            Chunk chunk = chunks[c];
            if (i >= chunk.count) {
                c++;
                i = 0;
                continue;
            }
            long at = chunk.position(i);
            if (at >= visibleEnd) {
                break;
            }
            if (n == positions.length) {
                int capacity = (int) Math.min(limit, Math.max(SLICE_START, positions.length * 2L));
                positions = Arrays.copyOf(positions, capacity);
                arrivals = Arrays.copyOf(arrivals, capacity);
            }
            positions[n] = at;
            arrivals[n] = chunk.arrival(i);
            n++;
            i++;
        }
        while (c < chunkCount && i >= chunks[c].count) {
            c++;
            i = 0;
        }
        boolean more = c < chunkCount && chunks[c].position(i) < visibleEnd;
        long nextArrival = more ? chunks[c].arrival(i) : -1;
        return new Slice(n == positions.length ? positions : Arrays.copyOf(positions, n),
                n == arrivals.length ? arrivals : Arrays.copyOf(arrivals, n), more, nextArrival);
    }

    /** Records read from the index; {@code more} says whether visible records follow them. */
    record Slice(long[] positions, long[] arrivals, boolean more, long nextArrival) {
    }
}
