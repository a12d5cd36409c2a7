package memberstream.engine.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of checksummed entries, the storage under the engine's services.
 *
 * <h2>On disk</h2>
 * A directory of segment files {@code <base>.log}, {@code base} being the 20-digit zero-padded log
 * position of the segment's first byte. A segment is a plain sequence of entries:
 * <pre>
 *   int32  payload length n (big-endian)
 *   int32  CRC32C of the 4 length bytes followed by the payload
 *   n bytes payload (opaque to the log)
 * </pre>
 * Nothing else: no file header, no index, no padding. A new segment starts when the active one would
 * grow past the segment size. An entry's <em>position</em> is the log-wide byte offset of its length
 * field: positions only grow and are never reused, even after old segments are deleted, so callers may
 * use them as sequence numbers.
 *
 * <h2>Durability</h2>
 * {@link #append} writes a whole batch with one {@code write} call into the page cache; the bytes then
 * survive the death of the process. {@link #awaitDurable} returns once the batch is as safe as the
 * {@link FsyncPolicy} promises: with {@code EVERY_BATCH} after an {@code fdatasync} that one waiting
 * thread performs for everybody waiting (group commit); with {@code OS} at once.
 * {@link #durablePosition()} is the end of what is acknowledged-safe; readers that must never see a
 * write that could still vanish stop there.
 *
 * <h2>Recovery</h2>
 * {@link #open} reads every segment from the start, checks each entry's bounds and checksum and hands
 * the good ones to a visitor in log order. The first bad entry of a segment (a torn or corrupt tail
 * after a crash) and everything after it in that segment are cut off the file and never returned.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe. Appends are serialised by an internal lock; reads are positional and
 * run concurrently with appends and with each other. {@link #deleteSegmentsBefore} only removes sealed
 * segments, never the active one.
 */
public final class SegmentLog implements Closeable {

    /** Bytes in front of every payload. */
    public static final int HEADER_BYTES = 8;
    /** The largest payload an entry may carry. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_BYTES = 128L * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(SegmentLog.class);
    private static final int READ_CHUNK = 1024 * 1024;
    private static final String SUFFIX = ".log";

    /** Receives entries: during recovery, or from a batched read. The buffer is valid only during the call. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(long position, ByteBuffer payload);
    }

    private final Path directory;
    private final FsyncPolicy policy;
    private final long segmentBytes;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Object syncMonitor = new Object();
    private final List<FileChannel> retiredChannels = new ArrayList<>();
    private final long recoveredCutBytes;

    private volatile Segment active;
    private volatile long endPosition;
    private volatile long durablePosition;
    private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(1024 * 1024);
    private final CRC32C writeCrc = new CRC32C();
    private volatile boolean closed;

    private record Segment(long base, Path path, FileChannel channel) {
    }

    private SegmentLog(Path directory, FsyncPolicy policy, long segmentBytes, long recoveredCutBytes) {
        this.directory = directory;
        this.policy = policy;
        this.segmentBytes = segmentBytes;
        this.recoveredCutBytes = recoveredCutBytes;
    }

    /**
     * Opens (or creates) the log in {@code directory}, replaying every good entry to {@code recovery}
     * in position order and cutting torn or corrupt tails.
     */
    public static SegmentLog open(Path directory, FsyncPolicy policy, long segmentBytes, EntryVisitor recovery) {
        try {
            Files.createDirectories(directory);
            List<Path> files;
            try (Stream<Path> list = Files.list(directory)) {
                files = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
            }
            long cut = 0;
            List<Segment> opened = new ArrayList<>();
            long end = 0;
            for (Path file : files) {
                long base = Long.parseLong(file.getFileName().toString().replace(SUFFIX, ""));
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                long good = scan(channel, base, recovery);
                long size = channel.size();
                if (good < size) {
                    log.warn("Log segment {}: cut {} bytes of torn or corrupt data after offset {}", file, size - good, good);
                    cut += size - good;
                    channel.truncate(good);
                    channel.force(true);
                }
                opened.add(new Segment(base, file, channel));
                end = base + good;
            }
            SegmentLog segmentLog = new SegmentLog(directory, policy, segmentBytes, cut);
            for (Segment segment : opened) {
                segmentLog.segments.put(segment.base(), segment);
            }
            if (opened.isEmpty()) {
                segmentLog.active = segmentLog.newSegment(0);
            } else {
                segmentLog.active = opened.get(opened.size() - 1);
            }
            segmentLog.endPosition = end;
            segmentLog.durablePosition = end;
            return segmentLog;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the log in " + directory, e);
        }
    }

    /** Reads a segment from its start; returns the length of its good prefix. */
    private static long scan(FileChannel channel, long base, EntryVisitor visitor) throws IOException {
        long size = channel.size();
        ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
        long bufferStart = 0;
        buffer.limit(0);
        long offset = 0;
        CRC32C crc = new CRC32C();
        while (offset + HEADER_BYTES <= size) {
            if (offset + HEADER_BYTES > bufferStart + buffer.limit()) {
                bufferStart = offset;
                buffer = fill(channel, buffer, offset, Math.min(buffer.capacity(), size - offset));
            }
            int at = (int) (offset - bufferStart);
            int length = buffer.getInt(at);
            int checksum = buffer.getInt(at + 4);
            if (length < 0 || length > MAX_PAYLOAD_BYTES || offset + HEADER_BYTES + length > size) {
                return offset;
            }
            if (offset + HEADER_BYTES + length > bufferStart + buffer.limit()) {
                bufferStart = offset;
                int need = HEADER_BYTES + length;
                if (buffer.capacity() < need) {
                    buffer = ByteBuffer.allocate(need);
                }
                buffer = fill(channel, buffer, offset, Math.min(buffer.capacity(), size - offset));
                at = 0;
            }
            crc.reset();
            crc.update(buffer.array(), at, 4);
            crc.update(buffer.array(), at + HEADER_BYTES, length);
            if ((int) crc.getValue() != checksum) {
                return offset;
            }
            ByteBuffer payload = buffer.duplicate();
            payload.limit(at + HEADER_BYTES + length).position(at + HEADER_BYTES);
            visitor.visit(base + offset, payload.slice());
            offset += HEADER_BYTES + length;
        }
        return offset;
    }

    private static ByteBuffer fill(FileChannel channel, ByteBuffer buffer, long from, long length) throws IOException {
        buffer.clear();
        buffer.limit((int) length);
        long at = from;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                break;
            }
            at += read;
        }
        buffer.flip();
        return buffer;
    }

    private Segment newSegment(long base) throws IOException {
        Path file = directory.resolve(String.format("%020d", base) + SUFFIX);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Segment segment = new Segment(base, file, channel);
        segments.put(base, segment);
        return segment;
    }

    /**
     * Appends the payloads (each from its position to its limit, left untouched) as consecutive
     * entries with one write. Fills {@code positionsOut[i]} with the position of payload i and
     * returns the end of the batch, for {@link #awaitDurable}. The entries are in the page cache, not
     * yet necessarily durable, when this returns.
     */
    public long append(List<ByteBuffer> payloads, long[] positionsOut) {
        long total = 0;
        for (ByteBuffer payload : payloads) {
            int length = payload.remaining();
            if (length > MAX_PAYLOAD_BYTES) {
                throw new IllegalArgumentException("A log entry holds at most " + MAX_PAYLOAD_BYTES + " bytes");
            }
            total += HEADER_BYTES + length;
        }
        appendLock.lock();
        try {
            ensureOpen();
            Segment segment = active;
            long start = endPosition;
            if (start - segment.base() > 0 && start - segment.base() + total > segmentBytes) {
                segment = roll(start);
            }
            ByteBuffer buffer = writeBuffer(total);
            long position = start;
            byte[] lengthBytes = new byte[4];
            for (int i = 0; i < payloads.size(); i++) {
                ByteBuffer payload = payloads.get(i);
                int length = payload.remaining();
                positionsOut[i] = position;
                lengthBytes[0] = (byte) (length >>> 24);
                lengthBytes[1] = (byte) (length >>> 16);
                lengthBytes[2] = (byte) (length >>> 8);
                lengthBytes[3] = (byte) length;
                writeCrc.reset();
                writeCrc.update(lengthBytes, 0, 4);
                buffer.putInt(length);
                if (payload.hasArray()) {
                    int offset = payload.arrayOffset() + payload.position();
                    writeCrc.update(payload.array(), offset, length);
                    buffer.putInt((int) writeCrc.getValue());
                    buffer.put(payload.array(), offset, length);
                } else {
                    writeCrc.update(payload.duplicate());
                    buffer.putInt((int) writeCrc.getValue());
                    buffer.put(payload.duplicate());
                }
                position += HEADER_BYTES + length;
            }
            buffer.flip();
            long fileOffset = start - segment.base();
            while (buffer.hasRemaining()) {
                fileOffset += segment.channel().write(buffer, fileOffset);
            }
            endPosition = position;
            if (policy == FsyncPolicy.OS) {
                durablePosition = position;
            }
            return position;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to the log in " + directory, e);
        } finally {
            appendLock.unlock();
        }
    }

    /** Appends one entry and waits until it is durable; returns its position. */
    public long appendDurably(ByteBuffer payload) {
        long[] position = new long[1];
        long end = append(List.of(payload), position);
        awaitDurable(end);
        return position[0];
    }

    private ByteBuffer writeBuffer(long total) {
        if (writeBuffer.capacity() < total) {
            writeBuffer = ByteBuffer.allocateDirect((int) Math.max(total, writeBuffer.capacity() * 2L));
        }
        writeBuffer.clear();
        return writeBuffer;
    }

    private Segment roll(long start) throws IOException {
        active.channel().force(false);
        Segment next = newSegment(start);
        active = next;
        return next;
    }

    /**
     * Returns once every entry before {@code end} is as durable as the policy promises. Under
     * {@code EVERY_BATCH} the first waiting thread syncs for all; the others wait for its result.
     */
    public void awaitDurable(long end) {
        if (policy == FsyncPolicy.OS || durablePosition >= end) {
            return;
        }
        // Threads that arrive during a sync queue on the monitor; when their turn comes the sync that
        // just finished usually covered them too, so N concurrent batches cost one or two fsyncs.
        synchronized (syncMonitor) {
            if (durablePosition >= end) {
                return;
            }
            long target = endPosition;
            Segment segment = active;
            try {
                segment.channel().force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot sync the log in " + directory, e);
            }
            durablePosition = Math.max(durablePosition, target);
        }
    }

    /** The end of what is written (not necessarily durable). */
    public long endPosition() {
        return endPosition;
    }

    /** The end of what is acknowledged-safe under the policy; entries below it never vanish. */
    public long durablePosition() {
        return durablePosition;
    }

    /** Bytes cut off torn or corrupt tails when the log was opened. */
    public long recoveredCutBytes() {
        return recoveredCutBytes;
    }

    public FsyncPolicy policy() {
        return policy;
    }

    /** Reads the payload of the entry at {@code position} into a new heap buffer. */
    public ByteBuffer read(long position) {
        ByteBuffer[] result = new ByteBuffer[1];
        read(new long[] {position}, 0, 1, (p, payload) -> {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
            copy.put(payload).flip();
            result[0] = copy;
        });
        return result[0];
    }

    /**
     * Reads the entries at {@code positions[from..to)} (ascending) and hands each to the visitor, in
     * order. Entries close to each other are read with one positional read.
     *
     * @throws IllegalArgumentException if a position is not in a segment of this log (deleted or never written)
     */
    public void read(long[] positions, int from, int to, EntryVisitor visitor) {
        // Allocated at the size the first entries need (a tailing reader reads a few small ones), not 64 KiB.
        ByteBuffer chunk = null;
        int i = from;
        try {
            while (i < to) {
                long position = positions[i];
                Map.Entry<Long, Segment> entry = segments.floorEntry(position);
                if (entry == null) {
                    throw new IllegalArgumentException("No log entry at position " + position);
                }
                Segment segment = entry.getValue();
                Long nextBase = segments.higherKey(entry.getKey());
                long segmentEnd = nextBase == null ? endPosition : segment.channel().size() + segment.base();
                if (position >= segmentEnd) {
                    // Past what the segment holds: without this the loop below would make no progress.
                    throw new IllegalArgumentException("No log entry at position " + position);
                }
                // Size the chunk to the span of the entries that follow, capped.
                int last = i;
                while (last + 1 < to && positions[last + 1] < segmentEnd
                        && positions[last + 1] - position < READ_CHUNK) {
                    last++;
                }
                long wanted = Math.min(segmentEnd - position,
                        Math.max(positions[last] - position + 2048, HEADER_BYTES));
                if (chunk == null) {
                    chunk = ByteBuffer.allocate((int) Math.min(wanted, READ_CHUNK * 2L));
                } else if (chunk.capacity() < wanted) {
                    chunk = ByteBuffer.allocate((int) Math.min(Math.max(wanted, chunk.capacity() * 2L), READ_CHUNK * 2L));
                }
                chunk = fill(segment.channel(), chunk, position - segment.base(), Math.min(wanted, chunk.capacity()));
                int consumed = 0;
                while (i < to && positions[i] < segmentEnd) {
                    long offset = positions[i] - position;
                    if (offset + HEADER_BYTES > chunk.limit()) {
                        break;
                    }
                    int length = chunk.getInt((int) offset);
                    if (length < 0 || length > MAX_PAYLOAD_BYTES) {
                        throw new IllegalArgumentException("No log entry at position " + positions[i]);
                    }
                    if (offset + HEADER_BYTES + length > chunk.limit()) {
                        if (consumed == 0) {
                            // A single entry larger than the chunk: read it alone.
                            ByteBuffer single = ByteBuffer.allocate(HEADER_BYTES + length);
                            fill(segment.channel(), single, positions[i] - segment.base(), HEADER_BYTES + length);
                            visitor.visit(positions[i], single.position(HEADER_BYTES).slice());
                            i++;
                            consumed++;
                        }
                        break;
                    }
                    ByteBuffer payload = chunk.duplicate();
                    payload.limit((int) offset + HEADER_BYTES + length).position((int) offset + HEADER_BYTES);
                    visitor.visit(positions[i], payload.slice());
                    i++;
                    consumed++;
                }
                if (consumed == 0) {
                    // Not even a header fits before the segment's end: a torn or unknown position.
                    throw new IllegalArgumentException("No log entry at position " + position);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the log in " + directory, e);
        }
    }

    /**
     * Deletes the sealed segments that hold only entries before {@code position}. Returns how many.
     * Their channels close one round later, so that a concurrent reader is not cut off mid-read.
     */
    public int deleteSegmentsBefore(long position) {
        appendLock.lock();
        try {
            List<FileChannel> closing = new ArrayList<>(retiredChannels);
            retiredChannels.clear();
            for (FileChannel channel : closing) {
                channel.close();
            }
            int deleted = 0;
            for (Map.Entry<Long, Segment> entry : segments.entrySet()) {
                Long nextBase = segments.higherKey(entry.getKey());
                if (nextBase == null || nextBase > position) {
                    break;
                }
                Segment segment = entry.getValue();
                segments.remove(entry.getKey());
                Files.deleteIfExists(segment.path());
                retiredChannels.add(segment.channel());
                deleted++;
            }
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete old segments in " + directory, e);
        } finally {
            appendLock.unlock();
        }
    }

    /** Position of the first byte still stored (the base of the oldest segment). */
    public long startPosition() {
        return segments.firstKey();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The log in " + directory + " is closed");
        }
    }

    @Override
    public void close() {
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (policy == FsyncPolicy.EVERY_BATCH) {
                active.channel().force(false);
            }
            for (Segment segment : segments.values()) {
                segment.channel().close();
            }
            for (FileChannel channel : retiredChannels) {
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close the log in " + directory, e);
        } finally {
            appendLock.unlock();
        }
    }
}
