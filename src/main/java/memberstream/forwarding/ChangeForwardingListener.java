package memberstream.forwarding;

import java.util.concurrent.CompletableFuture;
import memberstream.member.MemberChanged;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Where member and settings changes leave the console. Two steps per event:
 * <ol>
 * <li>inside the transaction that made the change, a PENDING row in the event log (rolled back with it);</li>
 * <li>after commit, the forward: handed to the sink's batcher on the committing thread (so one
 * thread's changes keep their order) and returned as a future. Spring Modulith recorded the
 * publication in the same transaction and completes it when that future completes, that is after the
 * sink's acknowledgement; a failure leaves it incomplete, to be resubmitted.</li>
 * </ol>
 * A rolled-back transaction sends nothing. The save never waits for the sink.
 */
class ChangeForwardingListener {

    static final String MEMBER_LISTENER_ID = "memberstream.forwarding.member-changed";

    private final EventForwarder forwarder;
    private final EventLog eventLog;

    ChangeForwardingListener(EventForwarder forwarder, EventLog eventLog) {
        this.forwarder = forwarder;
        this.eventLog = eventLog;
    }

    @EventListener
    public void logPending(MemberChanged event) {
        eventLog.recordPending(ForwardableEvents.of(event));
    }

    @TransactionalEventListener(id = MEMBER_LISTENER_ID)
    public CompletableFuture<Void> forward(MemberChanged event) {
        return forwarder.forward(ForwardableEvents.of(event));
    }
}
