package memberstream.forwarding;

/** Where an event stands in the event log. */
public enum DeliveryStatus {
    /** Committed and not yet acknowledged: queued, being sent or retried. */
    PENDING,
    /** The sink acknowledged it (shard and sequence number, or the Firehose record id, are known). */
    DELIVERED,
    /** The retry policy gave up for now; resubmitted periodically, at restart, or by an admin. */
    FAILED
}
