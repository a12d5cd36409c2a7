package memberstream.engine.protocol;

import java.util.Map;

/** One HTTP response from a route. {@code body} may be empty, never null. */
public record EngineResponse(int status, Map<String, String> headers, byte[] body) {
}
