package memberstream.engine.protocol;

import java.util.Map;

/**
 * One HTTP response from a route. {@code body} may be empty, never null. With a {@code stream}, the
 * body is written over time instead: the server sends {@code status} and {@code headers} (no
 * Content-Length; {@code body} is ignored), then calls {@link ResponseStream#open}. Over HTTP/1.1 that
 * is a chunked response, over HTTP/2 a series of DATA frames.
 *
 * @param stream the body written over time, or null for an ordinary response
 */
public record EngineResponse(int status, Map<String, String> headers, byte[] body, ResponseStream stream) {

    /** An ordinary response with its whole body. */
    public EngineResponse(int status, Map<String, String> headers, byte[] body) {
        this(status, headers, body, null);
    }

    /** A response whose body {@code stream} writes over time, after the status and headers are sent. */
    public static EngineResponse streamed(int status, Map<String, String> headers, ResponseStream stream) {
        if (stream == null) {
            throw new IllegalArgumentException("A streamed response needs its stream");
        }
        return new EngineResponse(status, headers, new byte[0], stream);
    }

    public boolean streamed() {
        return stream != null;
    }
}
