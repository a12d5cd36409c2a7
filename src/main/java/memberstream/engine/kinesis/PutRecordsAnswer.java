package memberstream.engine.kinesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import memberstream.engine.protocol.WireFormat;
import memberstream.engine.protocol.WireWritable;
import memberstream.engine.protocol.WireWriter;

/**
 * The PutRecords answer, written straight to the wire: one entry per request record, in order. When
 * every record was stored (the common case) its bytes are written by hand, JSON or CBOR, the same
 * document the generic writer would produce; with failed entries it goes through {@link #writeTo}.
 */
final class PutRecordsAnswer implements WireWritable {

    private final KinesisStore.Appended appended;
    private final String streamName;
    private final String encryptionType;

    PutRecordsAnswer(KinesisStore.Appended appended, String streamName, String encryptionType) {
        this.appended = appended;
        this.streamName = streamName;
        this.encryptionType = encryptionType;
    }

    @Override
    public void writeTo(WireWriter writer) throws IOException {
        long[] positions = appended.positions();
        Shard[] shards = appended.shards();
        int failed = 0;
        for (long position : positions) {
            if (position < 0) {
                failed++;
            }
        }
        writer.startObject();
        writer.number("FailedRecordCount", failed);
        writer.name("Records").startArray();
        for (int i = 0; i < positions.length; i++) {
            writer.startObject();
            if (positions[i] >= 0) {
                writer.string("SequenceNumber", new SequenceNumber(positions[i], shards[i].uid).format());
                writer.string("ShardId", shards[i].shardId);
            } else {
                writer.string("ErrorCode", KinesisError.PROVISIONED_THROUGHPUT_EXCEEDED.type());
                writer.string("ErrorMessage", KinesisOperations.rateExceeded(shards[i], streamName));
            }
            writer.endObject();
        }
        writer.endArray();
        writer.string("EncryptionType", encryptionType);
        writer.endObject();
    }

    @Override
    public byte[] encoded(WireFormat format) {
        long[] positions = appended.positions();
        for (long position : positions) {
            if (position < 0) {
                return null;
            }
        }
        Shard[] shards = appended.shards();
        boolean json = format == WireFormat.JSON;
        byte[] encryption = encryptionType == null ? null : encryptionType.getBytes(StandardCharsets.UTF_8);
        int size = 64 + (encryption == null ? 0 : encryption.length + 24);
        for (Shard shard : shards) {
            size += 96 + shard.shardId.length();
        }
        Bytes out = new Bytes(size);
        Shard lastShard = null;
        byte[] shardId = null;
        if (json) {
            out.ascii("{\"FailedRecordCount\":0,\"Records\":[");
        } else {
            out.put(0xbf).text("FailedRecordCount").put(0x00).text("Records").put(0x9f);
        }
        for (int i = 0; i < positions.length; i++) {
            if (shards[i] != lastShard) {
                lastShard = shards[i];
                shardId = lastShard.shardId.getBytes(StandardCharsets.UTF_8);
            }
            if (json) {
                out.ascii(i == 0 ? "{\"SequenceNumber\":\"" : ",{\"SequenceNumber\":\"");
                out.sequenceNumber(positions[i], shards[i].uid);
                out.ascii("\",\"ShardId\":\"").put(shardId).ascii("\"}");
            } else {
                out.put(0xbf).text("SequenceNumber").textHeader(56).sequenceNumber(positions[i], shards[i].uid);
                out.text("ShardId").textHeader(shardId.length).put(shardId).put(0xff);
            }
        }
        if (json) {
            out.ascii("]");
            if (encryption != null) {
                out.ascii(",\"EncryptionType\":\"").put(encryption).ascii("\"");
            }
            out.ascii("}");
        } else {
            out.put(0xff);
            if (encryption != null) {
                out.text("EncryptionType").textHeader(encryption.length).put(encryption);
            }
            out.put(0xff);
        }
        return out.toArray();
    }

    /** A growing byte array with the few writes the hand-made encodings need. */
    private static final class Bytes {
        private byte[] bytes;
        private int size;

        Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        Bytes put(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
            return this;
        }

        Bytes put(byte[] source) {
            ensure(source.length);
            System.arraycopy(source, 0, bytes, size, source.length);
            size += source.length;
            return this;
        }

        /** ASCII text as is (JSON, or CBOR string contents). */
        Bytes ascii(String text) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                bytes[size++] = (byte) text.charAt(i);
            }
            return this;
        }

        /** A CBOR text string header (major type 3) for {@code length} UTF-8 bytes. */
        Bytes textHeader(int length) {
            if (length < 24) {
                return put(0x60 | length);
            }
            if (length < 256) {
                return put(0x78).put(length);
            }
            return put(0x79).put(length >> 8).put(length & 0xff);
        }

        /** A CBOR text string of ASCII characters. */
        Bytes text(String ascii) {
            return textHeader(ascii.length()).ascii(ascii);
        }

        /** The 56 digits of {@link SequenceNumber#format()}, as ASCII. */
        Bytes sequenceNumber(long position, int shardUid) {
            ensure(56);
            byte[] b = bytes;
            int at = size;
            b[at] = '4';
            b[at + 1] = '9';
            long rest = position;
            for (int i = at + 21; i >= at + 2; i--) {
                b[i] = (byte) ('0' + rest % 10);
                rest /= 10;
            }
            long uid = shardUid;
            for (int i = at + 31; i >= at + 22; i--) {
                b[i] = (byte) ('0' + uid % 10);
                uid /= 10;
            }
            java.util.Arrays.fill(b, at + 32, at + 56, (byte) '0');
            size += 56;
            return this;
        }

        byte[] toArray() {
            return size == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, size);
        }
    }

    @Override
    public int sizeHint() {
        return 64 + appended.positions().length * 110;
    }
}
