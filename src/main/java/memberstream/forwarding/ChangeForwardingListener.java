package memberstream.forwarding;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import memberstream.aws.ResourceProvisioner;
import memberstream.member.MemberChanged;
import memberstream.member.MembersImported;
import memberstream.settings.SettingsChanged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Where member and settings changes leave the console: the transactional outbox. Two steps per event:
 * <ol>
 * <li>inside the transaction that made the change, the event's outbox row: its event-log row
 * ({@code forwarded_events}), PENDING, claimed by this console, routed by the settings as of that
 * transaction ({@link PublicationClaims}), with the CloudEvent's JSON as {@code payload}, serialised
 * here once; the bytes sent are these bytes. A member change's history row ({@link MemberHistory}) is
 * written by the same statement, so the outbox costs the save no round trip of its own. It commits or
 * rolls back with the change;</li>
 * <li>after commit, the forward: handed to the sink's batcher on the committing thread (so one
 * thread's changes keep their order). The outcome row (delivered or failed) is the only completion.</li>
 * </ol>
 * The after-commit step is a plain {@link TransactionSynchronization} registered from a plain
 * {@code @EventListener}, on purpose not a {@code @TransactionalEventListener}: Spring Modulith's
 * registry records a publication ({@code event_publication}, the event serialised a second time) for
 * every transactional listener, which doubled each save's outbox writes. The event-log row already
 * holds everything a resend needs, so it is the one outbox: a forward that fails, or never runs (the
 * process died after commit), leaves the row undelivered, and {@link PublicationResubmitter} sends it
 * from there (at start, on schedule, on an admin's retry) through the same claim.
 *
 * <p>A rolled-back transaction sends nothing. The save never waits for the sink. An import batch
 * ({@link MembersImported}) takes the same two steps for all its events at once: one statement writes
 * their rows. Thread-safety: stateless; called on the publishing thread.
 */
class ChangeForwardingListener {

    private static final Logger log = LoggerFactory.getLogger(ChangeForwardingListener.class);

    private final EventForwarder forwarder;
    private final PublicationClaims claims;
    private final ResourceProvisioner provisioner;
    private final ObjectMapper json;
    private final MemberHistory history;
    /** Off only in benchmarks that measure forwarding's price: changes are then recorded in the history alone. */
    private volatile boolean forwarding = true;

    ChangeForwardingListener(EventForwarder forwarder, PublicationClaims claims, ResourceProvisioner provisioner,
                             ObjectMapper json, MemberHistory history) {
        this.forwarder = forwarder;
        this.claims = claims;
        this.provisioner = provisioner;
        this.json = json;
        this.history = history;
    }

    /** For benchmarks: off, a change leaves only its history row (what a console that forwards nothing does). */
    void forwarding(boolean on) {
        forwarding = on;
    }

    @EventListener
    public void logPending(MemberChanged event) {
        if (!forwarding) {
            history.record(event);
            return;
        }
        ForwardableEvent forwardable = written(ForwardableEvents.of(event));
        claims.claimInTransaction(forwardable, history.arguments(event));
        afterCommit(() -> forwarder.forward(forwardable));
    }

    /** An import batch: its outbox rows in one statement, in the batch's transaction; sent after commit. */
    @EventListener
    public void logPending(MembersImported batch) {
        if (!forwarding) {
            return; // its history rows are written by MemberHistory either way
        }
        List<ForwardableEvent> events = new ArrayList<>(batch.changes().size());
        for (ForwardableEvent event : ForwardableEvents.of(batch)) {
            events.add(written(event));
        }
        claims.claimAllInTransaction(events);
        afterCommit(() -> forwarder.forwardAll(events));
    }

    /**
     * Settings changes are events too. After commit, new resource names are provisioned first (off the
     * committing thread); member events already heading for a resource still being created are retried
     * meanwhile.
     */
    @EventListener
    public void logPending(SettingsChanged event) {
        if (!forwarding) {
            return;
        }
        ForwardableEvent forwardable = written(ForwardableEvents.of(event));
        claims.claimInTransaction(forwardable);
        afterCommit(() -> CompletableFuture.runAsync(provisioner::ensure)
                .handle((done, error) -> null)
                .thenCompose(ignored -> forwarder.forward(forwardable)));
    }

    /** The event with its CloudEvent's bytes: the one serialisation, stored in the row and sent as is. */
    private ForwardableEvent written(ForwardableEvent event) {
        return ForwardableEvents.written(event, json);
    }

    /**
     * Runs the forward once the transaction has committed; at once when there is no transaction (the
     * row was then written on its own and is committed already). A failed forward needs nothing here:
     * its row stays undelivered for the resubmitter, and the sink has logged why.
     */
    private static void afterCommit(Supplier<CompletableFuture<Void>> forward) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            forward.get();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                forward.get().whenComplete((done, error) -> {
                    if (error != null) {
                        log.debug("Forward left for resubmission: {}", error.toString());
                    }
                });
            }
        });
    }
}
