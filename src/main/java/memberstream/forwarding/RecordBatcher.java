package memberstream.forwarding;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.retry.support.RetryTemplate;

/**
 * Gathers the records that many threads hand to one sink into batches and sends them from a single
 * sender thread, so events that queue up share one PutRecords / PutRecordBatch call (up to
 * {@code maxBatchRecords} records and the transport's byte limit).
 *
 * <p>Order: a batch holds at most one record per partition key, and a batch is finished (every entry
 * acknowledged or given up, failed entries retried alone under the {@link DeliveryRetryPolicy}) before
 * the next is sent. So records with the same key reach the sink in the order they were submitted,
 * even across partial failures. When an entry is given up, its key is blocked: later records with that
 * key fail at once, without being sent, until the given-up record is submitted again. Resubmission in
 * publication order therefore restores the order.
 *
 * <p>When a call goes out: at the latest of the deadlines {@link CallTiming} sets (a linger, a batch window,
 * a busy window under heavy load; each may be off), or earlier once the backlog would fill a call (by records
 * or bytes). An idle sender blocks on the queue; it never polls. A waiting sender sleeps until its deadline:
 * records that come meanwhile queue up without waking it, unless they make a full call.
 *
 * <p>Claims: before each send, a record whose claim this console no longer holds for long enough
 * is dropped from the call and failed ({@code mayStillSend}), so no event is in flight from two
 * consoles at once.
 *
 * <p>Threads: {@link #submit} from any thread. The sender thread alone owns the backlog, the blocked keys and
 * the {@link CallTiming}. A sleeping sender publishes {@code wakeAt} and then {@code sleeping} (volatile) and
 * reads the queue's size again before it parks; a submitter adds to the queue and then reads {@code sleeping}:
 * one of the two sees the other, so a full call never waits out the deadline. Futures are completed on the
 * completion executor, never on the sender thread, so whatever callers chain onto them (database writes) does
 * not hold up the next batch.
 */
final class RecordBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecordBatcher.class);
    /** At DEBUG, one line when a send call starts and one when it ends, with wall-clock millis and event ids. */
    private static final Logger sendTrace = LoggerFactory.getLogger("memberstream.forwarding.SendTrace");

    /** The one call a sink makes to send a batch. */
    interface Transport {

        /**
         * Sends records that all go to {@code destination}; answers one outcome per record, in order.
         * Throws when the call as a whole failed (nothing was stored).
         */
        List<Outcome> send(String destination, List<OutgoingRecord> records) throws Exception;

        /** The most bytes one call may carry, as the service counts them. */
        int maxRequestBytes();

        /** What one record counts toward {@link #maxRequestBytes()}. */
        int countedBytes(OutgoingRecord record);
    }

    /** The sink's answer for one entry: where it was stored, or why not. */
    record Outcome(String shardId, String sequenceNumber, String recordId, String errorCode, String errorMessage) {

        static Outcome stored(String shardId, String sequenceNumber) {
            return new Outcome(shardId, sequenceNumber, null, null, null);
        }

        static Outcome stored(String recordId) {
            return new Outcome(null, null, recordId, null, null);
        }

        static Outcome failed(String errorCode, String errorMessage) {
            return new Outcome(null, null, null, errorCode == null ? "Unknown" : errorCode, errorMessage);
        }

        boolean succeeded() {
            return errorCode == null;
        }
    }

    /** A submitted record and its caller's future; attempts and lastError are touched by the sender only. */
    private static final class Pending {
        final OutgoingRecord record;
        final CompletableFuture<Delivery> future = new CompletableFuture<>();
        /** {@link System#nanoTime()} at submission: when its linger ends. */
        final long submittedAt = System.nanoTime();
        int attempts;
        String lastError;
        Throwable lastCause;

        Pending(OutgoingRecord record) {
            this.record = record;
        }
    }

    private final SinkKind kind;
    private final Transport transport;
    private final DeliveryRetryPolicy retryPolicy;
    private final Executor completions;
    private final int maxBatchRecords;
    private final Predicate<UUID> mayStillSend;
    private final CallTiming timing;
    /** Reused by the sender to take in what queued up, so each record is looked at once (an import's backlog is long). */
    private final List<Pending> arrivals = new ArrayList<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** True while the sender sleeps through a wait ({@link #linger}); then a submission wakes it only at {@link #wakeAt}. */
    private volatile boolean sleeping;
    /** Records in the queue that make a full call with the sender's backlog; written by the sender before it sleeps. */
    private volatile int wakeAt = Integer.MAX_VALUE;
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
    private final Map<String, UUID> blockedBy = new HashMap<>();
    private final Thread sender;
    private volatile boolean running = true;
    /** Written by the sender thread alone, read by anyone (benchmarks). */
    private volatile long calls;
    private volatile long sentRecords;

    RecordBatcher(SinkKind kind, Transport transport, DeliveryRetryPolicy retryPolicy, Executor completions,
                  int maxBatchRecords) {
        this(kind, transport, retryPolicy, completions, maxBatchRecords, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, eventId -> true);
    }

    /**
     * @param linger       how long the first record of a batch waits for more before the call (zero: none)
     * @param batchWindow  a record arriving sooner than this after the last call's start waits until then
     *                     (zero: none); one arriving later goes out at once
     * @param busyWindow   how long after the last call's start records wait when at least
     *                     {@link CallTiming#BUSY_RECORDS} are due before then (zero: none)
     * @param mayStillSend asked before each send of a record: false once this console's claim on the
     *                     event is too short for another call ({@link PublicationClaims#holds})
     */
    RecordBatcher(SinkKind kind, Transport transport, DeliveryRetryPolicy retryPolicy, Executor completions,
                  int maxBatchRecords, Duration linger, Duration batchWindow, Duration busyWindow,
                  Predicate<UUID> mayStillSend) {
        this.timing = new CallTiming(linger, batchWindow, busyWindow);
        this.mayStillSend = mayStillSend;
        this.kind = kind;
        this.transport = transport;
        this.retryPolicy = retryPolicy;
        this.completions = completions;
        this.maxBatchRecords = maxBatchRecords;
        this.sender = new Thread(this::run, "sink-" + kind.name().toLowerCase() + "-sender");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    CompletableFuture<Delivery> submit(OutgoingRecord record) {
        Pending pending = new Pending(record);
        if (!running) {
            pending.future.completeExceptionally(closed(pending));
            return pending.future;
        }
        queue.add(pending);
        if (sleeping && queue.size() >= wakeAt) {
            LockSupport.unpark(sender); // a full call's worth is waiting
        }
        return pending.future;
    }

    /** For benchmarks that compare settings in one warm JVM; takes effect with the next batch. */
    void batching(Duration linger, Duration batchWindow, Duration busyWindow) {
        timing.set(linger, batchWindow, busyWindow);
    }

    /** Calls made so far (each attempt counts) and the records they carried: records per call = b / a. */
    long[] callsAndRecords() {
        return new long[] {calls, sentRecords};
    }

    /** Records submitted and not yet acknowledged or given up. */
    int queued() {
        return queue.size() + backlog.size();
    }

    private void run() {
        while (running) {
            try {
                if (backlog.isEmpty()) {
                    take(queue.take()); // idle: sleeps until a record comes (close() interrupts)
                }
                queue.drainTo(arrivals);
                arrivals.forEach(this::take);
                arrivals.clear();
                linger();
                List<Pending> batch = nextBatch();
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error unexpected) {
                log.error("{} sender hit an unexpected error; carrying on", kind, unexpected);
            }
        }
    }

    /**
     * Waits for more records until the latest deadline ({@link CallTiming#waitNanos}), or until the backlog holds a full
     * call's worth (by records or bytes; records that must wait for an earlier one with their key count too, so
     * this may end a little early, never late). The sender sleeps through the wait and takes in what came when
     * it wakes: a submission wakes it only once the records waiting make a full call (the bytes are counted when
     * it wakes), not one wake-up a record, which cost the sender and each saving thread a context switch.
     */
    private void linger() throws InterruptedException {
        if (timing.off() || backlog.size() >= maxBatchRecords) {
            return;
        }
        if (waitNanos() <= 0) {
            return; // checked before counting bytes: a long backlog (an import) is not walked for every call
        }
        long bytes = 0;
        for (Pending p : backlog) {
            bytes += transport.countedBytes(p.record);
        }
        while (backlog.size() < maxBatchRecords && bytes < transport.maxRequestBytes()) {
            long wait = waitNanos();
            if (wait <= 0) {
                return;
            }
            wakeAt = maxBatchRecords - backlog.size();
            sleeping = true; // then the queue is read again: a submission either is seen here or sees this
            try {
                if (queue.size() < wakeAt) {
                    LockSupport.parkNanos(this, wait);
                }
            } finally {
                sleeping = false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("closing");
            }
            queue.drainTo(arrivals);
            for (Pending next : arrivals) {
                take(next);
                bytes += transport.countedBytes(next.record);
            }
            arrivals.clear();
        }
    }

    private long waitNanos() {
        return timing.waitNanos(backlog.peekFirst().submittedAt, System.nanoTime());
    }

    /** Adds a record that came off the queue to the backlog and to the average gap between submissions. */
    private void take(Pending pending) {
        backlog.add(pending);
        timing.arrived(pending.submittedAt);
    }

    /** Takes the next batch out of the backlog: one destination, one record per key, within the limits. */
    private List<Pending> nextBatch() {
        String destination = backlog.peekFirst().record.destination();
        Set<String> seenKeys = new HashSet<>();
        List<Pending> batch = new ArrayList<>();
        List<Pending> blocked = new ArrayList<>();
        List<DeliveryFailedException> blockedReasons = new ArrayList<>();
        int bytes = 0;
        for (Iterator<Pending> it = backlog.iterator(); it.hasNext() && batch.size() < maxBatchRecords; ) {
            Pending pending = it.next();
            String key = pending.record.partitionKey();
            if (key != null && !seenKeys.add(key)) {
                continue; // an earlier record with this key goes first
            }
            if (key != null && blockedBehindFailure(pending)) {
                it.remove();
                blocked.add(pending);
                blockedReasons.add(new DeliveryFailedException(kind, pending.attempts, "Not sent: an earlier event "
                        + blockedBy.get(key) + " with partition key " + key + " is not delivered yet", null));
                continue;
            }
            if (!pending.record.destination().equals(destination)) {
                continue;
            }
            int size = transport.countedBytes(pending.record);
            if (!batch.isEmpty() && bytes + size > transport.maxRequestBytes()) {
                break;
            }
            it.remove();
            batch.add(pending);
            bytes += size;
        }
        if (!blocked.isEmpty()) {
            completions.execute(() -> {
                for (int i = 0; i < blocked.size(); i++) {
                    blocked.get(i).future.completeExceptionally(blockedReasons.get(i));
                }
            });
        }
        return batch;
    }

    /** True if an earlier record with this key was given up and this is not that record coming back. */
    private boolean blockedBehindFailure(Pending pending) {
        UUID blocker = blockedBy.get(pending.record.partitionKey());
        if (blocker == null) {
            return false;
        }
        if (blocker.equals(pending.record.eventId())) {
            blockedBy.remove(pending.record.partitionKey());
            return false;
        }
        return true;
    }

    private void deliver(List<Pending> batch) {
        String destination = batch.get(0).record.destination();
        List<Pending> remaining = new ArrayList<>(batch);
        RetryTemplate template = retryPolicy.newTemplate();
        try {
            template.execute(context -> {
                attempt(destination, remaining);
                if (!remaining.isEmpty()) {
                    throw new IllegalStateException(remaining.size() + " of " + batch.size()
                            + " records not stored: " + remaining.get(0).lastError);
                }
                return null;
            });
        } catch (Exception givenUp) {
            List<Pending> failed = List.copyOf(remaining);
            for (Pending p : failed) {
                if (p.record.partitionKey() != null) {
                    blockedBy.put(p.record.partitionKey(), p.record.eventId());
                }
            }
            log.warn("{}: gave up on {} record(s) for {} after {} attempt(s): {}", kind, failed.size(), destination,
                    retryPolicy.maxAttempts(), failed.get(0).lastError);
            completions.execute(() -> failed.forEach(p -> p.future.completeExceptionally(
                    new DeliveryFailedException(kind, p.attempts, p.lastError, p.lastCause))));
        }
    }

    /** One send of the remaining entries; stored ones leave {@code remaining} and are acknowledged. */
    private void attempt(String destination, List<Pending> remaining) throws Exception {
        dropUnclaimed(remaining);
        if (remaining.isEmpty()) {
            return;
        }
        remaining.forEach(p -> p.attempts++);
        List<Outcome> outcomes;
        String traced = sendTrace.isDebugEnabled() ? traceIds(remaining) : null;
        try {
            if (traced != null) {
                sendTrace.debug("send-start {} {}", System.currentTimeMillis(), traced);
            }
            timing.callStarted(System.nanoTime());
            outcomes = transport.send(destination, remaining.stream().map(p -> p.record).toList());
        } catch (Exception callFailed) {
            String message = describe(callFailed);
            remaining.forEach(p -> {
                p.lastError = message;
                p.lastCause = callFailed;
            });
            throw callFailed;
        } finally {
            calls++; // the sender thread is the only writer
            sentRecords += remaining.size();
            if (traced != null) {
                sendTrace.debug("send-end {} {}", System.currentTimeMillis(), traced);
            }
        }
        if (outcomes.size() != remaining.size()) {
            throw new IllegalStateException("The sink answered " + outcomes.size() + " results for "
                    + remaining.size() + " records");
        }
        List<Pending> stored = new ArrayList<>();
        List<Delivery> deliveries = new ArrayList<>();
        Iterator<Pending> pendings = remaining.iterator();
        for (Outcome outcome : outcomes) {
            Pending p = pendings.next();
            if (outcome.succeeded()) {
                pendings.remove();
                stored.add(p);
                deliveries.add(new Delivery(kind, destination, outcome.shardId(), outcome.sequenceNumber(),
                        outcome.recordId(), p.attempts));
            } else {
                p.lastError = outcome.errorCode() + ": " + outcome.errorMessage();
                p.lastCause = null;
            }
        }
        if (!stored.isEmpty()) {
            completions.execute(() -> {
                for (int i = 0; i < stored.size(); i++) {
                    stored.get(i).future.complete(deliveries.get(i));
                }
            });
        }
    }

    /** Records whose claim lapsed are not sent: they fail, and block their key like any given-up record. */
    private void dropUnclaimed(List<Pending> remaining) {
        List<Pending> lapsed = new ArrayList<>();
        for (Iterator<Pending> it = remaining.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (!mayStillSend.test(p.record.eventId())) {
                it.remove();
                lapsed.add(p);
                if (p.record.partitionKey() != null) {
                    blockedBy.put(p.record.partitionKey(), p.record.eventId());
                }
            }
        }
        if (!lapsed.isEmpty()) {
            log.warn("{}: not sending {} record(s) whose claim lapsed (another console may take them over)", kind,
                    lapsed.size());
            completions.execute(() -> lapsed.forEach(p -> p.future.completeExceptionally(new DeliveryFailedException(
                    kind, p.attempts, "Not sent: this console's claim on the event lapsed", null))));
        }
    }

    private static String traceIds(List<Pending> records) {
        StringBuilder ids = new StringBuilder();
        for (Pending p : records) {
            ids.append(ids.isEmpty() ? "" : ",").append(p.record.eventId());
        }
        return ids.toString();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private DeliveryFailedException closed(Pending p) {
        return new DeliveryFailedException(kind, p.attempts, "The console is shutting down; sent again at restart",
                null);
    }

    /** Stops the sender; records not yet acknowledged fail (their publications stay incomplete). */
    @Override
    public void close() {
        running = false;
        sender.interrupt();
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Pending> left = new ArrayList<>(backlog);
        queue.drainTo(left);
        left.forEach(p -> p.future.completeExceptionally(closed(p)));
    }
}
