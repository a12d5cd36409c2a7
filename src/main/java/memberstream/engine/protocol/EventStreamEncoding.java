package memberstream.engine.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes messages of AWS's event stream encoding ({@code application/vnd.amazon.eventstream}), as
 * SubscribeToShard answers with. One message is, big-endian:
 * <pre>
 * int32 total length | int32 headers length | uint32 CRC32 of the 8 bytes before it
 * headers: per header, uint8 name length, name (UTF-8), uint8 type (7 = string), uint16 value length, value
 * payload
 * uint32 CRC32 of everything before it (prelude and its CRC included)
 * </pre>
 * Only string headers are written (all the ones an event or an exception needs). Stateless and
 * thread-safe.
 */
public final class EventStreamEncoding {

    public static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
    /** Largest message the encoding allows (16 MiB) and largest headers section (128 KiB). */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    public static final int MAX_HEADERS_BYTES = 128 * 1024;

    private static final int PRELUDE_BYTES = 12;
    private static final int CRC_BYTES = 4;
    private static final byte STRING_TYPE = 7;

    private EventStreamEncoding() {
    }

    /**
     * An event: {@code :message-type event}, {@code :event-type}, {@code :content-type}; its payload is
     * the given parts one after the other (so a part encoded once can go into many messages uncopied).
     */
    public static byte[] event(String eventType, String contentType, byte[]... payload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", contentType);
        headers.put(":message-type", "event");
        return message(headers, payload);
    }

    /** A modelled error inside the stream: {@code :message-type exception}, {@code :exception-type}, {@code :content-type}. */
    public static byte[] exception(String exceptionType, String contentType, byte[] payload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":exception-type", exceptionType);
        headers.put(":content-type", contentType);
        headers.put(":message-type", "exception");
        return message(headers, payload);
    }

    /** One message with string headers, in the given order, and the payload parts one after the other. */
    public static byte[] message(Map<String, String> headers, byte[]... payload) {
        int headersLength = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            headersLength += 1 + utf8(header.getKey()).length + 1 + 2 + utf8(header.getValue()).length;
        }
        if (headersLength > MAX_HEADERS_BYTES) {
            throw new IllegalArgumentException("Event stream headers of " + headersLength + " bytes exceed " + MAX_HEADERS_BYTES);
        }
        long payloadLength = 0;
        for (byte[] part : payload) {
            payloadLength += part.length;
        }
        long total = (long) PRELUDE_BYTES + headersLength + payloadLength + CRC_BYTES;
        if (total > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("Event stream message of " + total + " bytes exceeds " + MAX_MESSAGE_BYTES);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) total);
        buffer.putInt((int) total).putInt(headersLength);
        buffer.putInt((int) crc(buffer.array(), 0, 8));
        for (Map.Entry<String, String> header : headers.entrySet()) {
            byte[] name = utf8(header.getKey());
            byte[] value = utf8(header.getValue());
            if (name.length > 255 || value.length > 0xFFFF) {
                throw new IllegalArgumentException("Event stream header " + header.getKey() + " is too long");
            }
            buffer.put((byte) name.length).put(name).put(STRING_TYPE).putShort((short) value.length).put(value);
        }
        for (byte[] part : payload) {
            buffer.put(part);
        }
        buffer.putInt((int) crc(buffer.array(), 0, buffer.position()));
        return buffer.array();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
