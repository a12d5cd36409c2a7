package memberstream.engine.protocol;

/** A request the service refuses, carrying what the client will see. Never a bug of ours. */
public class AwsServiceException extends RuntimeException {

    private final transient AwsErrorCode code;

    public AwsServiceException(AwsErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public AwsErrorCode code() {
        return code;
    }
}
