package memberstream.engine.protocol;

/** Errors the JSON protocols share, raised before or around a service's own logic. */
public enum ProtocolError implements AwsErrorCode {
    SERIALIZATION("SerializationException", 400),
    UNKNOWN_OPERATION("UnknownOperationException", 400),
    VALIDATION("ValidationException", 400),
    ACCESS_DENIED("AccessDeniedException", 400),
    /** The body is larger than any operation accepts; answered before the body is read. */
    REQUEST_TOO_LARGE("RequestEntityTooLargeException", 413),
    INTERNAL_FAILURE("InternalFailure", 500);

    private final String type;
    private final int httpStatus;

    ProtocolError(String type, int httpStatus) {
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
