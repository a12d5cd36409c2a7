package memberstream.forwarding;

import java.time.Instant;

/** One send of an event and its outcome ({@code forwarded_event_attempts}, V61); {@code error} null when delivered. */
public record EventAttempt(Instant at, DeliveryStatus status, int attempts, String error, String sink,
        String destination, String sentBy) {
}
