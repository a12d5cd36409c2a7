package memberstream.forwarding;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How hard the console tries to deliver an event ({@code memberstream.forwarding.*}).
 *
 * @param maxAttempts       sends of one record before it is left undelivered (failed) for resubmission
 * @param initialBackoff    wait before the first retry; doubles each time, with random jitter
 * @param maxBackoff        the longest wait between two retries
 * @param resubmitEvery     how often undelivered events (event-log rows) are looked for and sent again
 * @param resubmitOlderThan only events at least this old are resubmitted on schedule; larger than the
 *                          retry window so an event still being retried is left alone
 * @param maxBatchRecords   records in one PutRecords / PutRecordBatch call (AWS allows 500)
 * @param claimTime         how long a console's claim on an event lasts unless renewed (renewed every
 *                          quarter of it while the send goes on); a dead console's claims are taken
 *                          over after it. At least twice {@code memberstream.aws.call-timeout}.
 * @param orderWait         how long an event waits for an earlier undelivered event of its member
 *                          (sent by another console) before it is left for resubmission
 * @param linger            how long the first record of a PutRecords / PutRecordBatch call waits for more
 *                          records before the call goes out (unless the call is full first): the events
 *                          of concurrent saves then share one call, and each call costs the console far
 *                          more than its records do. It adds at most this much to an event's way into
 *                          the stream; zero (the default: latency first) sends at once. Unchanged by
 *                          {@code batchWindow}: when both are set, the later of the two deadlines wins.
 * @param batchWindow       adaptive batching: a record that comes when the sink's last call started at least
 *                          this long ago goes out at once (a lone event waits for nothing); one that comes
 *                          sooner waits until this long after that start, with whatever else comes
 *                          meanwhile (only while events lately came faster than the time left), so under
 *                          load a sink makes at most about one call a window. Adds at
 *                          most this much to an event's way into the stream, and only when saves come
 *                          faster than one a window; zero turns it off ({@link RecordBatcher}).
 * @param busyBatchWindow   the batch window under heavy load: when events come so fast that at least 8 are due
 *                          before this long after the last call's start, they wait until then, so a sink makes
 *                          at most about one call this long and each call carries more (a call costs the
 *                          console about 0.3 to 1 ms of CPU whatever it carries). Only then does it add up to
 *                          this much to an event's way into the stream; at 100 events a second or fewer it
 *                          never waits (8 events take 80 ms). Zero turns it off ({@link RecordBatcher}).
 */
@ConfigurationProperties("memberstream.forwarding")
public record ForwardingProperties(
        @DefaultValue("6") int maxAttempts,
        @DefaultValue("200ms") Duration initialBackoff,
        @DefaultValue("5s") Duration maxBackoff,
        @DefaultValue("30s") Duration resubmitEvery,
        @DefaultValue("60s") Duration resubmitOlderThan,
        @DefaultValue("500") int maxBatchRecords,
        @DefaultValue("60s") Duration claimTime,
        @DefaultValue("30s") Duration orderWait,
        @DefaultValue("0ms") Duration linger,
        @DefaultValue("10ms") Duration batchWindow,
        @DefaultValue("50ms") Duration busyBatchWindow) {

    public ForwardingProperties {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("memberstream.forwarding.max-attempts must be at least 1");
        }
        if (maxBatchRecords < 1 || maxBatchRecords > 500) {
            throw new IllegalArgumentException("memberstream.forwarding.max-batch-records must be 1 to 500");
        }
        if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("memberstream.forwarding.linger must be 0 to 1s");
        }
        if (batchWindow.isNegative() || batchWindow.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("memberstream.forwarding.batch-window must be 0 to 1s");
        }
        if (busyBatchWindow.isNegative() || busyBatchWindow.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("memberstream.forwarding.busy-batch-window must be 0 to 1s");
        }
    }
}
