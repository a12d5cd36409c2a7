package memberstream.engine.kinesis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * A shard iterator: where a reader is (the next log position to read in a shard) and when the
 * iterator was issued (they expire after five minutes). On the wire it is opaque base64 of
 * {@code version 2, shard uid, shard index, stream creation millis, position, issued millis, stream
 * name, CRC32C}; the shard index names the shard in errors once its stream is gone. Version 1 (the
 * same without the index, from an older engine) still decodes, with index -1. Anything that does not
 * decode and check is "Invalid ShardIterator.". Immutable.
 */
public record ShardIterator(String streamName, long streamCreatedAt, int shardUid, int shardIndex, long position,
                            long issuedAt) {

    private static final byte VERSION_WITHOUT_INDEX = 1;
    private static final byte VERSION = 2;

    public String encode() {
        byte[] name = streamName.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + 4 + 8 + 8 + 8 + name.length + 4);
        buffer.put(VERSION).putInt(shardUid).putInt(shardIndex).putLong(streamCreatedAt).putLong(position)
                .putLong(issuedAt).put(name);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    /** Decodes an iterator, or returns null if it is not one of ours. */
    public static ShardIterator decode(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes.length < 1 || (bytes[0] != VERSION && bytes[0] != VERSION_WITHOUT_INDEX)) {
            return null;
        }
        boolean indexed = bytes[0] == VERSION;
        if (bytes.length < 1 + 4 + (indexed ? 4 : 0) + 8 + 8 + 8 + 1 + 4) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != buffer.getInt(bytes.length - 4)) {
            return null;
        }
        buffer.get();
        int shardUid = buffer.getInt();
        int shardIndex = indexed ? buffer.getInt() : -1;
        long created = buffer.getLong();
        long position = buffer.getLong();
        long issued = buffer.getLong();
        String name = new String(bytes, buffer.position(), bytes.length - 4 - buffer.position(), StandardCharsets.UTF_8);
        return new ShardIterator(name, created, shardUid, shardIndex, position, issued);
    }
}
