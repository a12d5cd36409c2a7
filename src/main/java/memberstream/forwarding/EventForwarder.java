package memberstream.forwarding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Sends one committed event to the sink the Settings switch names at that moment and records the
 * outcome in the event log. The returned future completes only after the sink acknowledged the record
 * and the log says so; the after-commit listener returns it, so Spring Modulith completes the event's
 * publication only then, and leaves it incomplete (to be resubmitted) when it fails.
 *
 * <p>Each event id is in flight at most once: a resubmission that arrives while the same event is
 * still being sent or retried gets the running attempt's future instead of a second send, so periodic
 * resubmission cannot duplicate an event that is merely slow. Thread-safe.
 */
class EventForwarder {

    private final Supplier<SinkRoute> router;
    private final Map<SinkKind, EventSink> sinks;
    private final EventLog eventLog;
    private final ObjectMapper json;
    private final ConcurrentHashMap<UUID, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Set<UUID> failedHere = ConcurrentHashMap.newKeySet();

    EventForwarder(Supplier<SinkRoute> router, Map<SinkKind, EventSink> sinks, EventLog eventLog, ObjectMapper json) {
        this.router = router;
        this.sinks = Map.copyOf(sinks);
        this.eventLog = eventLog;
        this.json = json;
    }

    /** Never throws: every problem ends up in the returned future. */
    CompletableFuture<Void> forward(ForwardableEvent event) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        CompletableFuture<Void> running = inFlight.putIfAbsent(event.id(), result);
        if (running != null) {
            return running;
        }
        result.whenComplete((ignored, error) -> inFlight.remove(event.id(), result));
        try {
            send(event).whenComplete((ignored, error) -> {
                if (error == null) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(unwrap(error));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Events being sent or retried right now. */
    int inFlight() {
        return inFlight.size();
    }

    private CompletableFuture<Void> send(ForwardableEvent event) {
        SinkRoute route = router.get();
        EventSink sink = sinks.get(route.sink());
        if (failedHere.remove(event.id())) {
            eventLog.resubmitted(event, route.sink(), route.destination());
        }
        OutgoingRecord record = new OutgoingRecord(event.id(), route.destination(), event.partitionKey(),
                serialize(event));
        return sink.send(record).handle((delivery, error) -> {
            if (error == null) {
                return eventLog.delivered(event, delivery);
            }
            Throwable cause = unwrap(error);
            failedHere.add(event.id());
            int attempts = cause instanceof DeliveryFailedException failed ? failed.attempts() : 1;
            return eventLog.failed(event, route.sink(), route.destination(), attempts, cause.getMessage())
                    .<Void>thenCompose(written -> CompletableFuture.failedFuture(cause));
        }).thenCompose(written -> written);
    }

    private byte[] serialize(ForwardableEvent event) {
        try {
            return json.writeValueAsBytes(event.toCloudEvent());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write event " + event.id() + " as JSON", e);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
