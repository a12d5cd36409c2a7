package memberstream.engine.protocol;

/** A request the service refuses, carrying what the client will see. Never a bug of ours. */
public class AwsServiceException extends RuntimeException {

    private final transient AwsErrorCode code;
    private final transient java.util.Map<String, Object> details;

    public AwsServiceException(AwsErrorCode code, String message) {
        this(code, message, java.util.Map.of());
    }

    /** @param details further members of the error body (DynamoDB's CancellationReasons, Item) */
    public AwsServiceException(AwsErrorCode code, String message, java.util.Map<String, Object> details) {
        super(message, null, false, false);
        this.code = code;
        this.details = details;
    }

    public java.util.Map<String, Object> details() {
        return details;
    }

    public AwsErrorCode code() {
        return code;
    }
}
