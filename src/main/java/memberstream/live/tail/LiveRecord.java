package memberstream.live.tail;

import java.time.Duration;
import java.time.Instant;

/**
 * One Kinesis record as the live tail shows it: where it sat in the stream and, when its data is a
 * member event (a CloudEvents JSON document), what changed and how long after the commit it arrived.
 *
 * @param eventType    the CloudEvents {@code type}, or "unknown" when the data is not one
 * @param member       who the event is about: the member's e-mail and id ("ada@example.org (42)"; for an
 *                     update from the member's earlier events), else a fallback ("member 42"), or null
 * @param committedAt  the event's {@code time} (when the change committed), or null
 * @param arrival      Kinesis's ApproximateArrivalTimestamp
 */
public record LiveRecord(String shardId, String sequenceNumber, String partitionKey, Instant arrival,
                         String eventType, String member, Instant committedAt, int sizeBytes, String dataPreview) {

    /** From the commit to the arrival in the stream; null when the commit time is unknown. */
    public Duration delay() {
        if (committedAt == null || arrival == null) {
            return null;
        }
        Duration delay = Duration.between(committedAt, arrival);
        // arrival timestamps have millisecond precision; never show a negative delay
        return delay.isNegative() ? Duration.ZERO : delay;
    }
}
