package memberstream.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

/**
 * The answer to one AWS call made from a view, with the throttling it met on the way: each throttled
 * attempt and the pause before the retry that followed, so the user sees throttling as such. The
 * console's SDK clients do not retry by themselves; this is the views' retry loop.
 */
public record Attempted<T>(T value, List<String> retries) {

    static final int MAX_ATTEMPTS = 5;
    static final Duration FIRST_PAUSE = Duration.ofMillis(100);

    /** Waits between attempts; tests pass one that does not sleep. */
    public interface Pause {
        void sleep(Duration duration);

        Pause THREAD_SLEEP = duration -> {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting to retry", e);
            }
        };
    }

    /** Calls {@code call}, retrying throttled attempts with a doubling pause; other errors propagate at once. */
    public static <T> Attempted<T> call(Pause pause, Supplier<T> call) {
        List<String> retries = new ArrayList<>();
        Duration wait = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                return new Attempted<>(call.get(), List.copyOf(retries));
            } catch (AwsServiceException e) {
                if (!isThrottling(e) || attempt == MAX_ATTEMPTS) {
                    throw retries.isEmpty() ? e : new ThrottledException(e, retries);
                }
                retries.add("Attempt " + attempt + " throttled (" + code(e) + "); retried after " + wait.toMillis() + " ms");
                pause.sleep(wait);
                wait = wait.multipliedBy(2);
            }
        }
    }

    public static boolean isThrottling(AwsServiceException e) {
        if (e instanceof ProvisionedThroughputExceededException || e.isThrottlingException()) {
            return true;
        }
        // LimitExceeded means "too fast" for the control plane, but also "too many" (e.g. shards): only the first is worth a retry
        return e instanceof LimitExceededException && String.valueOf(e.getMessage()).toLowerCase().contains("rate exceeded");
    }

    public static String code(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? e.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
    }

    public boolean throttled() {
        return !retries.isEmpty();
    }

    /** A call that stayed throttled, or failed otherwise after throttled attempts; the message lists them. */
    public static final class ThrottledException extends RuntimeException {
        private final List<String> retries;

        ThrottledException(AwsServiceException last, List<String> retries) {
            super(String.join("; ", retries) + "; then " + code(last) + ": " + plainMessage(last), last);
            this.retries = List.copyOf(retries);
        }

        public List<String> retries() {
            return retries;
        }
    }

    /** The service's message without the SDK's "(Service: ..., Status Code: ..., Request ID: ...)" tail. */
    public static String plainMessage(AwsServiceException e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
            return e.awsErrorDetails().errorMessage();
        }
        String message = String.valueOf(e.getMessage());
        int tail = message.indexOf(" (Service:");
        return tail > 0 ? message.substring(0, tail) : message;
    }
}
