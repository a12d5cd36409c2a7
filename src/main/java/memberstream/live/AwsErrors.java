package memberstream.live;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Turns what an AWS call threw into one sentence a person can act on. */
public final class AwsErrors {

    private AwsErrors() {
    }

    public static String describe(Throwable e) {
        if (e instanceof Attempted.ThrottledException throttled) {
            return throttled.getMessage();
        }
        if (e instanceof AwsServiceException aws) {
            return Attempted.code(aws) + ": " + Attempted.plainMessage(aws);
        }
        if (e instanceof SdkClientException) {
            return "The AWS endpoint could not be reached: " + firstLine(e.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no details";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
