package memberstream.engine.dynamodb;

import memberstream.engine.protocol.AwsErrorCode;

/** DynamoDB's errors as the API model names them, with their HTTP status. */
public enum DynamoDbError implements AwsErrorCode {
    VALIDATION("ValidationException", 400),
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 400),
    RESOURCE_IN_USE("ResourceInUseException", 400),
    CONDITIONAL_CHECK_FAILED("ConditionalCheckFailedException", 400),
    TRANSACTION_CANCELED("TransactionCanceledException", 400),
    LIMIT_EXCEEDED("LimitExceededException", 400);

    private final String type;
    private final int httpStatus;

    DynamoDbError(String type, int httpStatus) {
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

    static memberstream.engine.protocol.AwsServiceException invalid(String message) {
        return VALIDATION.exception(message);
    }
}
