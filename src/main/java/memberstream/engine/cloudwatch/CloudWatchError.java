package memberstream.engine.cloudwatch;

import memberstream.engine.protocol.AwsErrorCode;

/**
 * CloudWatch's errors: the shape name the JSON and CBOR protocols carry in {@code __type}, and the code the
 * query protocol (and the {@code x-amzn-query-error} header) carries.
 */
public enum CloudWatchError implements AwsErrorCode {
    INVALID_PARAMETER_VALUE("InvalidParameterValueException", "InvalidParameterValue", 400),
    MISSING_PARAMETER("MissingRequiredParameterException", "MissingParameter", 400),
    INVALID_PARAMETER_COMBINATION("InvalidParameterCombinationException", "InvalidParameterCombination", 400),
    INVALID_ACTION("InvalidAction", "InvalidAction", 400),
    UNKNOWN_OPERATION("UnknownOperationException", "InvalidAction", 400);

    private final String type;
    private final String queryCode;
    private final int httpStatus;

    CloudWatchError(String type, String queryCode, int httpStatus) {
        this.type = type;
        this.queryCode = queryCode;
        this.httpStatus = httpStatus;
    }

    @Override
    public String type() {
        return type;
    }

    public String queryCode() {
        return queryCode;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
