package memberstream.engine.protocol;

/**
 * One error of an AWS JSON protocol as it goes on the wire: the {@code __type} name and the HTTP
 * status. Each service lists its errors in one enum implementing this.
 */
public interface AwsErrorCode {

    /** The {@code __type} on the wire, e.g. {@code ResourceNotFoundException}. */
    String type();

    int httpStatus();

    default AwsServiceException exception(String message) {
        return new AwsServiceException(this, message);
    }
}
