package memberstream.engine.protocol;

import java.util.Map;

/**
 * An operation's answer plus HTTP headers to send with it, for engine extensions that ride on a
 * standard operation: SDK clients ignore headers their model does not name, yet can read them from the
 * raw response. Immutable.
 */
public record WithHeaders(Object answer, Map<String, String> headers) {

    public WithHeaders {
        headers = Map.copyOf(headers);
    }
}
