package memberstream.engine.kinesis;

import memberstream.engine.protocol.AwsErrorCode;

/** Kinesis's errors as the API model names them, with their HTTP status. */
public enum KinesisError implements AwsErrorCode {
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 400),
    RESOURCE_IN_USE("ResourceInUseException", 400),
    INVALID_ARGUMENT("InvalidArgumentException", 400),
    LIMIT_EXCEEDED("LimitExceededException", 400),
    PROVISIONED_THROUGHPUT_EXCEEDED("ProvisionedThroughputExceededException", 400),
    EXPIRED_ITERATOR("ExpiredIteratorException", 400),
    EXPIRED_NEXT_TOKEN("ExpiredNextTokenException", 400),
    VALIDATION("ValidationException", 400);

    private final String type;
    private final int httpStatus;

    KinesisError(String type, int httpStatus) {
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
