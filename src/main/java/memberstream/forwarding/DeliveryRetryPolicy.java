package memberstream.forwarding;

import java.util.Map;
import org.springframework.retry.backoff.ExponentialRandomBackOffPolicy;
import org.springframework.retry.backoff.Sleeper;
import org.springframework.retry.backoff.ThreadWaitSleeper;
import org.springframework.retry.policy.SimpleRetryPolicy;
import org.springframework.retry.support.RetryTemplate;

/**
 * The one place that says how a sink retries: exponential backoff with random jitter, a bounded number
 * of attempts. The AWS SDK's own retries are switched off ({@link AwsClients}) so the two never
 * multiply; what this policy gives up on stays undelivered in the event log (the outbox) and is resubmitted
 * later ({@link PublicationResubmitter}).
 */
final class DeliveryRetryPolicy {

    private final ForwardingProperties properties;
    private final Sleeper sleeper;

    DeliveryRetryPolicy(ForwardingProperties properties) {
        this(properties, new ThreadWaitSleeper());
    }

    /** With a sleeper of the caller's choosing: unit tests pass one that does not wait. */
    DeliveryRetryPolicy(ForwardingProperties properties, Sleeper sleeper) {
        this.properties = properties;
        this.sleeper = sleeper;
    }

    /** A new template for one batch; templates are cheap and carry no state between batches. */
    RetryTemplate newTemplate() {
        var backOff = new ExponentialRandomBackOffPolicy();
        backOff.setInitialInterval(properties.initialBackoff().toMillis());
        backOff.setMultiplier(2.0);
        backOff.setMaxInterval(properties.maxBackoff().toMillis());
        backOff.setSleeper(sleeper);
        var template = new RetryTemplate();
        template.setBackOffPolicy(backOff);
        template.setRetryPolicy(new SimpleRetryPolicy(properties.maxAttempts(), Map.of(Exception.class, true), true));
        template.setThrowLastExceptionOnExhausted(true);
        return template;
    }

    int maxAttempts() {
        return properties.maxAttempts();
    }
}
