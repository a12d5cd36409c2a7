package memberstream.forwarding;

import java.util.concurrent.CompletableFuture;

/**
 * Somewhere events go. {@link #send} never blocks on the network: it queues the record and returns a
 * future completed with the sink's acknowledgement, or with {@link DeliveryFailedException} once the
 * retry policy gave up. Records with the same partition key are acknowledged in the order they were
 * sent. Implementations are thread-safe.
 */
interface EventSink {

    SinkKind kind();

    CompletableFuture<Delivery> send(OutgoingRecord record);
}
