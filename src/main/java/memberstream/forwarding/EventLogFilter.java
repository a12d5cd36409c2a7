package memberstream.forwarding;

import java.time.Instant;

/**
 * What the event log shows: every field may be null (no restriction). {@code type} matches the end of
 * the CloudEvents type ({@code member.updated}); {@code member} is a member id or an email (the events
 * of every member who has that email now); {@code from} inclusive, {@code to} exclusive.
 */
public record EventLogFilter(DeliveryStatus status, String type, String member, Instant from, Instant to) {

    public static final EventLogFilter ALL = new EventLogFilter(null, null, null, null, null);
}
