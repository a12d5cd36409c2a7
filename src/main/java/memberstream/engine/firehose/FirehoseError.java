package memberstream.engine.firehose;

import memberstream.engine.protocol.AwsErrorCode;

/**
 * Firehose's own errors (the API model's), with their {@code __type} and HTTP status. Errors every
 * JSON service shares (ValidationException, SerializationException, ...) are in
 * {@link memberstream.engine.protocol.ProtocolError}.
 */
public enum FirehoseError implements AwsErrorCode {
    CONCURRENT_MODIFICATION("ConcurrentModificationException", 400),
    INVALID_ARGUMENT("InvalidArgumentException", 400),
    INVALID_KMS_RESOURCE("InvalidKMSResourceException", 400),
    LIMIT_EXCEEDED("LimitExceededException", 400),
    RESOURCE_IN_USE("ResourceInUseException", 400),
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 400),
    SERVICE_UNAVAILABLE("ServiceUnavailableException", 503);

    private final String type;
    private final int httpStatus;

    FirehoseError(String type, int httpStatus) {
        this.type = type;
        this.httpStatus = httpStatus;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
