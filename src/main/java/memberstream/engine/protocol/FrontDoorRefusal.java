package memberstream.engine.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the front door refuses: the error, the message, and for S3 the extra elements AWS puts in
 * its XML error (say {@code AWSAccessKeyId}, {@code ServerTime}). Never a fault of the engine.
 */
public final class FrontDoorRefusal extends RuntimeException {

    private final FrontDoorError error;
    private final transient Map<String, String> s3Details;

    FrontDoorRefusal(FrontDoorError error, String message) {
        this(error, message, Map.of());
    }

    FrontDoorRefusal(FrontDoorError error, String message, Map<String, String> s3Details) {
        super(message, null, false, false);
        this.error = error;
        this.s3Details = new LinkedHashMap<>(s3Details);
    }

    public FrontDoorError error() {
        return error;
    }

    public Map<String, String> s3Details() {
        return s3Details;
    }
}
