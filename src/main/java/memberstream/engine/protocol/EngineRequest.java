package memberstream.engine.protocol;

import java.util.Map;

/**
 * One HTTP request as the engine's front door hands it to a route: the whole body is already read.
 * Header names are lower case. Immutable; safe to pass between threads.
 */
public record EngineRequest(String method, String path, String rawQuery, Map<String, String> headers, byte[] body) {

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /** The {@code X-Amz-Target} header, or null for REST-style (S3) requests. */
    public String target() {
        return headers.get("x-amz-target");
    }
}
