package memberstream.forwarding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * event waits here. A predecessor this instance hands to its sink ({@link #sent}) or delivers
 * ({@link #finished} with success) releases its waiters at once: a member changed twice in quick
 * succession must not wait for a poll when its first event was sent from here (it was either still
 * on its way to the sink when the second claim was taken, or delivered just before the second event
 * asked). For the rest (predecessors sent by another instance) one thread asks the database, every
 * {@code pollEvery} while anything waits, which awaited predecessors are delivered meanwhile (one
 * query for all waiters); with nothing waiting it is not scheduled, so an idle console does not
 * wake. A predecessor that stays undelivered for {@code maxWait} (its instance died and its claim has
 * yet to expire and be taken over) fails the waiting event: its outbox row stays undelivered and is
 * resubmitted later, in order.
 *
 * <p>Thread-safety: every method from any thread. Waits are completed on the completion executor.
 * No wake-up is lost: a waiter is registered before the sets are checked again, and {@link #sent} and
 * {@link #finished} change the sets before they look at the waiters, so one of the two sides sees the
 * other; releasing twice is harmless.
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

    /** How many events delivered here are remembered for successors that ask after the delivery. */
    static final int RECENTLY_DELIVERED = 4_096;

    private final Function<Collection<UUID>, Set<UUID>> deliveredAmong;
    private final Executor completions;
    private final Duration maxWait;
    private final long pollMillis;
    private final Set<UUID> sentHere = ConcurrentHashMap.newKeySet();
    /** Events this instance delivered lately, oldest first; guarded by itself. */
    private final LinkedHashSet<UUID> deliveredHere = new LinkedHashSet<>();
    private final Map<CompletableFuture<Void>, Waiter> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean pollScheduled = new AtomicBoolean();
    /** Events that had to wait at all, for benchmarks. */
    private final AtomicLong waits = new AtomicLong();
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
        this.pollMillis = Math.max(1, pollEvery.toMillis());
    }

    /** Completes when an event whose predecessor is {@code predecessor} (null: none) may be handed to its sink. */
    CompletableFuture<Void> whenClear(UUID predecessor, String subject) {
        if (predecessor == null || clearedHere(predecessor)) {
            return CompletableFuture.completedFuture(null);
        }
        waits.incrementAndGet();
        var clear = new CompletableFuture<Void>();
        Waiter waiter = new Waiter(predecessor, subject, System.nanoTime() + maxWait.toNanos(), clear);
        waiting.put(clear, waiter);
        if (clearedHere(predecessor)) {
            release(waiter); // sent or delivered here between the check above and the registration
        } else {
            schedulePoll();
        }
        return clear;
    }

    /** The event was handed to this instance's sink (call after the sink queued it): its successors may follow. */
    void sent(UUID eventId) {
        sentHere.add(eventId);
        releaseWaitersOf(eventId);
    }

    /**
     * The event's send is over and its outcome is in the event log: {@code delivered} (its successors
     * may go at once) or not (they wait until it is delivered, by a resubmission here or elsewhere).
     */
    void finished(UUID eventId, boolean delivered) {
        if (delivered) {
            synchronized (deliveredHere) {
                deliveredHere.add(eventId);
                if (deliveredHere.size() > RECENTLY_DELIVERED) {
                    deliveredHere.remove(deliveredHere.iterator().next());
                }
            }
        }
        sentHere.remove(eventId);
        if (delivered) {
            releaseWaitersOf(eventId);
        }
    }

    private boolean clearedHere(UUID predecessor) {
        if (sentHere.contains(predecessor)) {
            return true;
        }
        synchronized (deliveredHere) {
            return deliveredHere.contains(predecessor);
        }
    }

    private void releaseWaitersOf(UUID predecessor) {
        if (waiting.isEmpty()) {
            return;
        }
        for (Waiter waiter : waiting.values()) {
            if (waiter.predecessor().equals(predecessor)) {
                release(waiter);
            }
        }
    }

    /** Starts the poller's next round unless one is due already; it reschedules itself while anything waits. */
    private void schedulePoll() {
        if (pollScheduled.compareAndSet(false, true)) {
            try {
                poller.schedule(this::pollAndReschedule, pollMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                pollScheduled.set(false);
            }
        }
    }

    private void pollAndReschedule() {
        pollSafely();
        pollScheduled.set(false);
        if (!waiting.isEmpty()) { // checked after clearing the flag: a waiter added meanwhile is not left alone
            schedulePoll();
        }
    }

    /** Events that found their predecessor neither delivered nor sent here and waited, since start (benchmarks). */
    long waits() {
        return waits.get();
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
            if (clearedHere(waiter.predecessor())) {
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
            if (delivered.contains(waiter.predecessor()) || clearedHere(waiter.predecessor())) {
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
