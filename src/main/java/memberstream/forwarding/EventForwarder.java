package memberstream.forwarding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Sends one committed event to the sink its claim names (the settings as of the event's own
 * transaction, see {@link PublicationClaims}), after its member's earlier events ({@link SendOrder}),
 * and records the outcome in the event log. An event another console holds the claim on is not sent
 * here: its future fails and its row stays undelivered for the holder to deliver; an event
 * already delivered is not sent again, its future just completes.
 *
 * <p>The returned future completes only after the sink acknowledged the record and the log says so
 * (the event's outbox row is then DELIVERED); when it fails, the row stays undelivered, to be
 * resubmitted from it ({@link PublicationResubmitter}). The bytes sent are the row's {@code payload}
 * when the event carries it (always, outside unit tests), so nothing is serialised here again.
 *
 * <p>Each event id is in flight at most once: a resubmission that arrives while the same event is
 * still being sent or retried gets the running attempt's future instead of a second send, so periodic
 * resubmission cannot duplicate an event that is merely slow. Thread-safe.
 */
class EventForwarder {

    /** The claim protocol as the forwarder uses it; {@link PublicationClaims} between consoles. */
    interface Claims {
        Optional<PublicationClaims.Claim> claim(ForwardableEvent event);

        boolean delivered(UUID eventId);

        void released(UUID eventId);

        /** Whether this console holds the event's claim now (taken in its transaction, not yet lapsed). */
        default boolean holds(UUID eventId) {
            return false;
        }

        /** Which of these events the event log says are delivered. */
        default Set<UUID> deliveredAmong(Collection<UUID> eventIds) {
            return eventIds.stream().filter(this::delivered).collect(Collectors.toSet());
        }
    }

    /** Raised when another console holds the event's claim. */
    static final class ClaimedElsewhereException extends RuntimeException {
        ClaimedElsewhereException(UUID eventId) {
            super("Event " + eventId + " is being sent by another console");
        }
    }

    private final Claims claims;
    private final SendOrder order;
    private final Map<SinkKind, EventSink> sinks;
    private final EventLog eventLog;
    private final ObjectMapper json;
    private final ConcurrentHashMap<UUID, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Set<UUID> failedHere = ConcurrentHashMap.newKeySet();

    /** One console alone, no claims, no order across consoles: for unit tests of the sending itself. */
    EventForwarder(Supplier<SinkRoute> router, Map<SinkKind, EventSink> sinks, EventLog eventLog, ObjectMapper json) {
        this(new Claims() {
            @Override
            public Optional<PublicationClaims.Claim> claim(ForwardableEvent event) {
                return Optional.of(new PublicationClaims.Claim(router.get(), null));
            }

            @Override
            public boolean delivered(UUID eventId) {
                return false;
            }

            @Override
            public void released(UUID eventId) {
            }

            @Override
            public boolean holds(UUID eventId) {
                return true;
            }
        }, null, sinks, eventLog, json);
    }

    /** @param order null: no order beyond the sink's own (one console) */
    EventForwarder(Claims claims, SendOrder order, Map<SinkKind, EventSink> sinks, EventLog eventLog,
                   ObjectMapper json) {
        this.claims = claims;
        this.order = order;
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
        result.whenComplete((ignored, error) -> {
            inFlight.remove(event.id(), result);
            claims.released(event.id());
            if (order != null) {
                order.finished(event.id(), error == null); // completed normally only once delivered
            }
        });
        try {
            Optional<PublicationClaims.Claim> claim = claims.claim(event);
            if (claim.isEmpty()) {
                if (claims.delivered(event.id())) {
                    result.complete(null); // delivered before; nothing left to do
                } else {
                    result.completeExceptionally(new ClaimedElsewhereException(event.id()));
                }
                return result;
            }
            afterPredecessor(event, claim.get()).whenComplete((ignored, error) -> {
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

    /**
     * Forwards many events (an import batch); completes when every one is delivered, fails if any is
     * not. Events whose claim this console holds (the usual case: just committed here) go straight to
     * {@link #forward}; the others (a resubmission after a restart or a takeover) are first looked up
     * in the event log with one query, and those delivered already are not sent again. Never throws.
     */
    CompletableFuture<Void> forwardAll(List<ForwardableEvent> events) {
        try {
            List<ForwardableEvent> toSend = events;
            List<UUID> notHeld = new ArrayList<>();
            for (ForwardableEvent event : events) {
                if (!claims.holds(event.id()) && !inFlight.containsKey(event.id())) {
                    notHeld.add(event.id());
                }
            }
            if (!notHeld.isEmpty()) {
                Set<UUID> delivered = claims.deliveredAmong(notHeld);
                if (!delivered.isEmpty()) {
                    toSend = events.stream().filter(event -> !delivered.contains(event.id())).toList();
                }
            }
            CompletableFuture<?>[] sent = new CompletableFuture<?>[toSend.size()];
            for (int i = 0; i < sent.length; i++) {
                sent[i] = forward(toSend.get(i));
            }
            return CompletableFuture.allOf(sent);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Events being sent or retried right now. */
    int inFlight() {
        return inFlight.size();
    }

    private CompletableFuture<Void> afterPredecessor(ForwardableEvent event, PublicationClaims.Claim claim) {
        SinkRoute route = claim.route();
        if (order == null) {
            return send(event, route);
        }
        return order.whenClear(claim.predecessor(), event.subject()).handle((clear, waitFailed) -> {
            if (waitFailed == null) {
                return send(event, route);
            }
            Throwable cause = unwrap(waitFailed);
            failedHere.add(event.id());
            return eventLog.failed(event, route.sink(), route.destination(), 0, cause.getMessage())
                    .<Void>thenCompose(written -> CompletableFuture.failedFuture(cause));
        }).thenCompose(sent -> sent);
    }

    private CompletableFuture<Void> send(ForwardableEvent event, SinkRoute route) {
        EventSink sink = sinks.get(route.sink());
        if (failedHere.remove(event.id())) {
            eventLog.resubmitted(event, route.sink(), route.destination());
        }
        OutgoingRecord record = new OutgoingRecord(event.id(), route.destination(), event.partitionKey(),
                serialize(event));
        CompletableFuture<Delivery> sent = sink.send(record);
        if (order != null) {
            order.sent(event.id()); // after the sink queued it: later events of the key queue behind it
        }
        return sent.handle((delivery, error) -> {
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

    /** The bytes stored in the event's outbox row when it has them (written once, in its transaction). */
    private byte[] serialize(ForwardableEvent event) {
        if (event.payload() != null) {
            return event.payload();
        }
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
