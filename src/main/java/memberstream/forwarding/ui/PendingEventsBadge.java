package memberstream.forwarding.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.RouterLink;
import memberstream.forwarding.UndeliveredEvents;

/**
 * The count of events not delivered yet, for the main layout's navbar; a link to the event log. Kept
 * current by push while it is on screen.
 */
public class PendingEventsBadge extends RouterLink {

    private final Span badge = new Span();
    private Runnable unsubscribe = () -> { };

    public PendingEventsBadge(UndeliveredEvents undelivered) {
        setRoute(EventLogView.class);
        addClassName("pending-events");
        add(badge);
        show(undelivered.count());
        addAttachListener(attach -> {
            UI ui = attach.getUI();
            unsubscribe = undelivered.subscribe(count -> ui.access(() -> show(count)));
            show(undelivered.count());
        });
        addDetachListener(detach -> unsubscribe.run());
    }

    private void show(long count) {
        badge.setText(count + " pending");
        badge.getElement().getThemeList().clear();
        badge.getElement().getThemeList().add(count == 0 ? "badge success pill" : "badge contrast pill");
        getElement().setAttribute("title", count == 0
                ? "Every event has been delivered"
                : count + " event(s) committed and not yet delivered: open the event log");
    }
}
