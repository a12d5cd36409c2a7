package memberstream.engine;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written HTTP/2 client (prior knowledge) over a plain socket to 127.0.0.1, for tests that must send
 * what no well-behaved client would: more streams than allowed, oversized header blocks, reset floods. It
 * never acknowledges the server's SETTINGS. Header blocks are HPACK literals without indexing; answers'
 * header blocks are decoded with Netty's decoder. For tests only; not thread-safe.
 */
final class RawHttp2 implements AutoCloseable {

    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int GOAWAY = 7;
    static final int CONTINUATION = 9;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int REFUSED_STREAM = 0x7;

    /** One frame from the server; {@code headers} decoded for HEADERS frames, {@code errorCode} for RST_STREAM and GOAWAY. */
    record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers, long errorCode) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final String authority;
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, 1024 * 1024);

    RawHttp2(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        authority = "127.0.0.1:" + port;
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(SETTINGS, 0, 0, new byte[0]);
    }

    void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        byte[] head = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length, (byte) type,
                (byte) flags, (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId};
        out.write(head);
        out.write(payload);
        out.flush();
    }

    /** A request's pseudo-headers plus {@code extra}, as one header block. */
    byte[] headerBlock(String method, String path, Map<String, String> extra) {
        return headerBlock(method, path, authority, extra);
    }

    /** The same with another {@code :authority} than the server's address. */
    byte[] headerBlock(String method, String path, String authority, Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":method", method);
        headers.put(":scheme", "http");
        headers.put(":path", path);
        headers.put(":authority", authority);
        headers.putAll(extra);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            block.write(0); // literal header field without indexing, new name
            string(block, name);
            string(block, value);
        });
        return block.toByteArray();
    }

    /** Sends {@code block} as HEADERS plus CONTINUATION frames of at most 16 KiB. */
    void headers(int streamId, byte[] block, boolean endStream) throws IOException {
        int max = 16 * 1024;
        int offset = 0;
        boolean first = true;
        do {
            int length = Math.min(max, block.length - offset);
            byte[] part = java.util.Arrays.copyOfRange(block, offset, offset + length);
            offset += length;
            int flags = (offset == block.length ? END_HEADERS : 0) | (first && endStream ? END_STREAM : 0);
            frame(first ? HEADERS : CONTINUATION, flags, streamId, part);
            first = false;
        } while (offset < block.length);
    }

    void reset(int streamId) throws IOException {
        frame(RST_STREAM, 0, streamId, new byte[] {0, 0, 0, 8}); // CANCEL
    }

    /**
     * Reads frames until {@code done} says so, the server closes the connection, or nothing comes for the
     * socket's timeout; returns all read.
     */
    List<Frame> readUntil(java.util.function.Predicate<List<Frame>> done) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try {
            while (!done.test(frames)) {
                frames.add(readFrame());
            }
        } catch (EOFException | SocketTimeoutException | java.net.SocketException closed) {
            // The answer is what came before.
        }
        return frames;
    }

    boolean closedByServer() {
        try {
            socket.setSoTimeout(5_000);
            while (true) {
                readFrame();
            }
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Frame readFrame() throws IOException {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int streamId = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        Http2Headers headers = null;
        long errorCode = -1;
        if (type == HEADERS) {
            try {
                headers = decoder.decodeHeaders(streamId, Unpooled.wrappedBuffer(payload));
            } catch (Http2Exception e) {
                throw new IOException(e);
            }
        } else if (type == RST_STREAM) {
            errorCode = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(payload).getInt());
        } else if (type == GOAWAY) {
            errorCode = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(payload, 4, 4).getInt());
        }
        return new Frame(type, flags, streamId, payload, headers, errorCode);
    }

    private static void string(ByteArrayOutputStream block, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        integer(block, bytes.length, 7, 0);
        block.writeBytes(bytes);
    }

    /** HPACK's integer with an {@code prefixBits} prefix. */
    private static void integer(ByteArrayOutputStream block, int value, int prefixBits, int firstByteFlags) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            block.write(firstByteFlags | value);
            return;
        }
        block.write(firstByteFlags | max);
        value -= max;
        while (value >= 128) {
            block.write(value % 128 + 128);
            value /= 128;
        }
        block.write(value);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
