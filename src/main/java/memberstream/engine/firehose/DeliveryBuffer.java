package memberstream.engine.firehose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import memberstream.engine.storage.FsyncPolicy;
import memberstream.engine.storage.SegmentLog;

/**
 * The durable buffer of one delivery stream: every accepted record is in it before PutRecord(Batch)
 * answers, and stays until the S3 object holding it is written.
 *
 * <p>On disk, in the stream's buffer directory: the {@link SegmentLog} segments, whose entries are
 * {@code int64 arrival epoch millis} followed by the record's bytes; and {@code delivered}, a decimal log
 * position written atomically (temp file and rename): every entry before it is in S3. After a restart,
 * the entries from that position on are buffered again; those already written to S3 just before the
 * crash are delivered twice, which Firehose's at-least-once delivery allows.
 *
 * <p>With dynamic partitioning, an entry also holds the record's partitioning decision, so that it is
 * made once, when the record is accepted, and never again (a restart does not run the query): such an
 * entry starts with {@code int64 (arrival | 1<<63)}, then {@code byte 1} with {@code int32 count} and
 * that many (name, value) pairs, or {@code byte 2} with the failure message; strings are
 * {@code int32 length} + UTF-8. The record's bytes follow. Entries without the top bit (records of
 * streams without partitioning, and those written before decisions were stored) carry no decision.
 *
 * <p>Thread-safety: {@link #append} and {@link #awaitDurable} may be called from any thread (the log
 * serialises appends and shares one fsync among concurrent batches); {@link #markDelivered} is called by
 * the one delivery thread.
 */
final class DeliveryBuffer implements AutoCloseable {

    static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final String CHECKPOINT = "delivered";

    /** A record read back at start-up; {@code decision} is null when none was stored. */
    record StoredRecord(long position, long arrivalMillis, byte[] data, RecordProcessing.Extraction decision) {
    }

    private static final long WITH_DECISION = Long.MIN_VALUE;
    private static final byte KEYS = 1;
    private static final byte FAILED = 2;

    private final Path directory;
    private final SegmentLog log;
    private volatile long delivered;

    private DeliveryBuffer(Path directory, SegmentLog log, long delivered) {
        this.directory = directory;
        this.log = log;
        this.delivered = delivered;
    }

    /** Opens the buffer and returns it with the records not yet delivered, in arrival order. */
    static DeliveryBuffer open(Path directory, FsyncPolicy policy, List<StoredRecord> undelivered) {
        long checkpoint = readCheckpoint(directory);
        SegmentLog log = SegmentLog.open(directory, policy, SEGMENT_BYTES, (position, payload) -> {
            if (position >= checkpoint) {
                long arrival = payload.getLong();
                RecordProcessing.Extraction decision = null;
                if ((arrival & WITH_DECISION) != 0) {
                    arrival &= ~WITH_DECISION;
                    decision = readDecision(payload);
                }
                byte[] data = new byte[payload.remaining()];
                payload.get(data);
                undelivered.add(new StoredRecord(position, arrival, data, decision));
            }
        });
        return new DeliveryBuffer(directory, log, checkpoint);
    }

    private static long readCheckpoint(Path directory) {
        Path file = directory.resolve(CHECKPOINT);
        try {
            if (Files.isRegularFile(file)) {
                return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
            }
            return 0;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("Cannot read the delivery checkpoint " + file, e);
        }
    }

    /**
     * Writes the records (not yet forced to disk) and returns their positions; the last element of
     * the returned array is the end of the batch, for {@link #awaitDurable}.
     */
    long[] append(List<byte[]> records, List<RecordProcessing.Extraction> decisions, long arrivalMillis) {
        List<ByteBuffer> payloads = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            byte[] data = records.get(i);
            if (decisions == null) {
                ByteBuffer payload = ByteBuffer.allocate(8 + data.length);
                payload.putLong(arrivalMillis).put(data).flip();
                payloads.add(payload);
            } else {
                byte[] decision = encodeDecision(decisions.get(i));
                ByteBuffer payload = ByteBuffer.allocate(8 + decision.length + data.length);
                payload.putLong(arrivalMillis | WITH_DECISION).put(decision).put(data).flip();
                payloads.add(payload);
            }
        }
        long[] positions = new long[records.size() + 1];
        positions[records.size()] = log.append(payloads, positions);
        return positions;
    }

    private static byte[] encodeDecision(RecordProcessing.Extraction decision) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64);
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        try {
            if (decision.failed()) {
                out.writeByte(FAILED);
                writeString(out, decision.error());
            } else {
                out.writeByte(KEYS);
                out.writeInt(decision.keys().size());
                for (java.util.Map.Entry<String, String> key : decision.keys().entrySet()) {
                    writeString(out, key.getKey());
                    writeString(out, key.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeString(java.io.DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static RecordProcessing.Extraction readDecision(ByteBuffer payload) {
        byte kind = payload.get();
        if (kind == FAILED) {
            return new RecordProcessing.Extraction(java.util.Map.of(), readString(payload));
        }
        if (kind != KEYS) {
            throw new IllegalStateException("Unknown partitioning decision " + kind + " in a delivery buffer entry");
        }
        int count = payload.getInt();
        java.util.Map<String, String> keys = new java.util.TreeMap<>();
        for (int i = 0; i < count; i++) {
            keys.put(readString(payload), readString(payload));
        }
        return new RecordProcessing.Extraction(keys, null);
    }

    private static String readString(ByteBuffer payload) {
        byte[] utf8 = new byte[payload.getInt()];
        payload.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    void awaitDurable(long end) {
        log.awaitDurable(end);
    }

    /** The position the next record will get: everything before it has been appended. */
    long endPosition() {
        return log.endPosition();
    }

    long deliveredPosition() {
        return delivered;
    }

    /** Records that every entry before {@code position} is in S3 and drops segments no longer needed. */
    void markDelivered(long position) {
        if (position <= delivered) {
            return;
        }
        Path file = directory.resolve(CHECKPOINT);
        Path temp = directory.resolve(CHECKPOINT + ".tmp");
        try {
            Files.writeString(temp, Long.toString(position), StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the delivery checkpoint " + file, e);
        }
        delivered = position;
        log.deleteSegmentsBefore(position);
    }

    @Override
    public void close() {
        log.close();
    }

    /** Closes the buffer and removes its files (the delivery stream was deleted). */
    void destroy() {
        close();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the buffer " + directory, e);
        }
    }
}
