package memberstream.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

class AttemptedTest {

    private final List<Duration> pauses = new ArrayList<>();
    private final Attempted.Pause pause = pauses::add;

    private static ProvisionedThroughputExceededException throttled() {
        return (ProvisionedThroughputExceededException) ProvisionedThroughputExceededException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                        .errorMessage("Rate exceeded for shard shardId-000000000000").build())
                .statusCode(400).build();
    }

    @Test
    void retriesThrottledAttemptsWithADoublingPauseAndReportsThem() {
        AtomicInteger calls = new AtomicInteger();
        Attempted<String> result = Attempted.call(pause, () -> {
            if (calls.incrementAndGet() <= 2) {
                throw throttled();
            }
            return "records";
        });

        assertThat(result.value()).isEqualTo("records");
        assertThat(result.throttled()).isTrue();
        assertThat(result.retries()).containsExactly(
                "Attempt 1 throttled (ProvisionedThroughputExceededException); retried after 100 ms",
                "Attempt 2 throttled (ProvisionedThroughputExceededException); retried after 200 ms");
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void givesUpAfterFiveAttemptsSayingWhatHappened() {
        assertThatThrownBy(() -> Attempted.call(pause, () -> {
            throw throttled();
        })).isInstanceOf(Attempted.ThrottledException.class)
                .hasMessageContaining("Attempt 4 throttled")
                .hasMessageEndingWith("then ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000000");
        assertThat(pauses).hasSize(4);
    }

    @Test
    void otherErrorsAreNotRetried() {
        InvalidArgumentException invalid = (InvalidArgumentException) InvalidArgumentException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidArgumentException")
                        .errorMessage("bad shard").build()).build();
        assertThatThrownBy(() -> Attempted.call(pause, () -> {
            throw invalid;
        })).isSameAs(invalid);
        assertThat(AwsErrors.describe(invalid)).isEqualTo("InvalidArgumentException: bad shard");
        assertThat(pauses).isEmpty();
    }

    @Test
    void limitExceededIsRetriedOnlyWhenItIsAboutTheRate() {
        LimitExceededException tooMany = (LimitExceededException) LimitExceededException.builder()
                .message("This request would exceed the shard limit for the account").build();
        LimitExceededException tooFast = (LimitExceededException) LimitExceededException.builder()
                .message("Rate exceeded for stream members").build();
        assertThat(Attempted.isThrottling(tooMany)).isFalse();
        assertThat(Attempted.isThrottling(tooFast)).isTrue();
    }
}
