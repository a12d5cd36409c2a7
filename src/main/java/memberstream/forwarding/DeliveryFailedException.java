package memberstream.forwarding;

/**
 * A record the sink did not acknowledge within the retry policy's attempts. The event's outbox row
 * stays undelivered, so it is sent again later; {@link #attempts()} and the message go to the event log.
 */
class DeliveryFailedException extends RuntimeException {

    private final SinkKind sink;
    private final int attempts;

    DeliveryFailedException(SinkKind sink, int attempts, String message, Throwable cause) {
        super(message, cause);
        this.sink = sink;
        this.attempts = attempts;
    }

    SinkKind sink() {
        return sink;
    }

    int attempts() {
        return attempts;
    }
}
