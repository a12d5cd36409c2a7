package memberstream.forwarding;

import java.util.concurrent.CompletableFuture;
import memberstream.aws.ResourceProvisioner;
import memberstream.member.MemberChanged;
import memberstream.member.MembersImported;
import memberstream.settings.SettingsChanged;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Where member and settings changes leave the console. Two steps per event:
 * <ol>
 * <li>inside the transaction that made the change, a PENDING row in the event log (rolled back with it),
 * claimed by this console and routed by the settings as of that transaction ({@link PublicationClaims});</li>
 * <li>after commit, the forward: handed to the sink's batcher on the committing thread (so one
 * thread's changes keep their order) and returned as a future. Spring Modulith recorded the
 * publication in the same transaction and completes it when that future completes, that is after the
 * sink's acknowledgement; a failure leaves it incomplete, to be resubmitted.</li>
 * </ol>
 * A rolled-back transaction sends nothing. The save never waits for the sink. An import batch
 * ({@link MembersImported}) takes the same two steps for all its events at once: one statement writes
 * their rows, one publication covers them.
 */
class ChangeForwardingListener {

    static final String MEMBER_LISTENER_ID = "memberstream.forwarding.member-changed";
    static final String IMPORT_LISTENER_ID = "memberstream.forwarding.members-imported";
    static final String SETTINGS_LISTENER_ID = "memberstream.forwarding.settings-changed";

    private final EventForwarder forwarder;
    private final PublicationClaims claims;
    private final ResourceProvisioner provisioner;

    ChangeForwardingListener(EventForwarder forwarder, PublicationClaims claims, ResourceProvisioner provisioner) {
        this.forwarder = forwarder;
        this.claims = claims;
        this.provisioner = provisioner;
    }

    @EventListener
    public void logPending(MemberChanged event) {
        claims.claimInTransaction(ForwardableEvents.of(event));
    }

    @TransactionalEventListener(id = MEMBER_LISTENER_ID)
    public CompletableFuture<Void> forward(MemberChanged event) {
        return forwarder.forward(ForwardableEvents.of(event));
    }

    /** An import batch: its PENDING rows in one statement, in the batch's transaction. */
    @EventListener
    public void logPending(MembersImported batch) {
        claims.claimAllInTransaction(ForwardableEvents.of(batch));
    }

    /**
     * An import batch after commit: one publication for all its events, completed once every one of
     * them is acknowledged; a resubmission sends only those the event log does not say delivered.
     */
    @TransactionalEventListener(id = IMPORT_LISTENER_ID)
    public CompletableFuture<Void> forward(MembersImported batch) {
        return forwarder.forwardAll(ForwardableEvents.of(batch));
    }

    @EventListener
    public void logPending(SettingsChanged event) {
        claims.claimInTransaction(ForwardableEvents.of(event));
    }

    /**
     * Settings changes are events too. New resource names are provisioned first (off the committing
     * thread); member events already heading for a resource still being created are retried meanwhile.
     */
    @TransactionalEventListener(id = SETTINGS_LISTENER_ID)
    public CompletableFuture<Void> forward(SettingsChanged event) {
        return CompletableFuture.runAsync(provisioner::ensure)
                .handle((done, error) -> null)
                .thenCompose(ignored -> forwarder.forward(ForwardableEvents.of(event)));
    }
}
