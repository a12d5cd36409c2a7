package memberstream.forwarding.ui;

import com.vaadin.flow.component.Component;
import java.util.function.Consumer;
import memberstream.base.ui.NavbarBadge;
import memberstream.forwarding.UndeliveredEvents;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;

/**
 * The count of events not delivered yet, for the main layout's navbar; a link to the event log.
 * Thread-safe: it only reads {@link UndeliveredEvents}, which is.
 */
@org.springframework.stereotype.Component
@Profile("!engine")
@Order(0)
class PendingEventsBadge implements NavbarBadge {

    private final UndeliveredEvents undelivered;

    PendingEventsBadge(UndeliveredEvents undelivered) {
        this.undelivered = undelivered;
    }

    @Override
    public String styleName() {
        return "pending-events";
    }

    @Override
    public Class<? extends Component> target() {
        return EventLogView.class;
    }

    @Override
    public Status current() {
        return status(undelivered.count());
    }

    @Override
    public Runnable subscribe(Consumer<Status> listener) {
        return undelivered.subscribe(count -> listener.accept(status(count)));
    }

    static Status status(long count) {
        return count == 0
                ? new Status("0 pending", Tone.SUCCESS, "Every event has been delivered")
                : new Status(count + " pending", Tone.CONTRAST,
                        count + " event(s) committed and not yet delivered: open the event log");
    }
}
