package memberstream.forwarding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-subject order across instances: an event is handed to its sink only when its predecessor (the
 * latest earlier undelivered event of the same member, found when the claim was taken, see
 * {@link PublicationClaims}) is either delivered or already handed to this instance's sink, ahead of
 * it (the sink's batcher keeps that order, and blocks the key if the predecessor fails).
 *
 * <p>The usual case costs nothing: no predecessor, or one sent from this instance. Otherwise the
 * event waits here, and one thread asks the database, every {@code pollEvery}, which awaited
 * predecessors are delivered meanwhile (one query for all waiters). A predecessor that stays
 * undelivered for {@code maxWait} (its instance died and its claim has yet to expire and be taken
 * over) fails the waiting event: its outbox row stays undelivered and is resubmitted later, in order.
 *
 * <p>Thread-safety: {@link #sent} and {@link #whenClear} from any thread; the poller alone completes
 * waits, on the completion executor.
 */
class SendOrder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SendOrder.class);

    /** Raised when a predecessor stays undelivered too long. */
    static final class PredecessorPendingException extends RuntimeException {
        PredecessorPendingException(String message) {
            super(message);
        }
    }

    private record Waiter(UUID predecessor, String subject, long deadlineNanos, CompletableFuture<Void> clear) {
    }

    private final Function<Collection<UUID>, Set<UUID>> deliveredAmong;
    private final Executor completions;
    private final Duration maxWait;
    private final Set<UUID> sentHere = ConcurrentHashMap.newKeySet();
    private final Map<CompletableFuture<Void>, Waiter> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller;

    /** @param deliveredAmong which of these event ids the event log says are delivered */
    SendOrder(Function<Collection<UUID>, Set<UUID>> deliveredAmong, Executor completions, Duration pollEvery,
              Duration maxWait) {
        this.deliveredAmong = deliveredAmong;
        this.completions = completions;
        this.maxWait = maxWait;
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "forwarding-send-order");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1, pollEvery.toMillis());
        poller.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /** Completes when an event whose predecessor is {@code predecessor} (null: none) may be handed to its sink. */
    CompletableFuture<Void> whenClear(UUID predecessor, String subject) {
        if (predecessor == null || sentHere.contains(predecessor)) {
            return CompletableFuture.completedFuture(null);
        }
        var clear = new CompletableFuture<Void>();
        waiting.put(clear, new Waiter(predecessor, subject, System.nanoTime() + maxWait.toNanos(), clear));
        return clear;
    }

    /** The event was handed to this instance's sink (call after the sink queued it). */
    void sent(UUID eventId) {
        sentHere.add(eventId);
    }

    /** The event's send is over and its outcome is in the event log. */
    void finished(UUID eventId) {
        sentHere.remove(eventId);
    }

    /** Events waiting for a predecessor now. */
    int waiting() {
        return waiting.size();
    }

    void poll() {
        if (waiting.isEmpty()) {
            return;
        }
        List<Waiter> open = new ArrayList<>(waiting.values());
        List<UUID> remote = new ArrayList<>();
        for (Waiter waiter : open) {
            if (sentHere.contains(waiter.predecessor())) {
                release(waiter);
            } else {
                remote.add(waiter.predecessor());
            }
        }
        Set<UUID> delivered = remote.isEmpty() ? Set.of() : deliveredAmong.apply(remote);
        long now = System.nanoTime();
        for (Waiter waiter : open) {
            if (!waiting.containsKey(waiter.clear())) {
                continue;
            }
            if (delivered.contains(waiter.predecessor()) || sentHere.contains(waiter.predecessor())) {
                release(waiter);
            } else if (now > waiter.deadlineNanos()) {
                waiting.remove(waiter.clear());
                completions.execute(() -> waiter.clear().completeExceptionally(new PredecessorPendingException(
                        "Not sent: the earlier event " + waiter.predecessor() + " of " + waiter.subject()
                                + " is still undelivered after " + maxWait.toSeconds() + " s")));
            }
        }
    }

    private void release(Waiter waiter) {
        if (waiting.remove(waiter.clear()) != null) {
            completions.execute(() -> waiter.clear().complete(null));
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("Could not check {} event(s) waiting for an earlier event of their member: {}",
                    waiting.size(), e.toString());
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
