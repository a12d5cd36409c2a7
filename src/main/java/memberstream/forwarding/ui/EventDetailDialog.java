package memberstream.forwarding.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import java.util.Locale;
import memberstream.forwarding.EventAttempt;
import memberstream.forwarding.EventLogService.EventDetail;
import memberstream.forwarding.ForwardedEvent;

/** One event of the log: where it landed, the CloudEvent as sent (pretty-printed JSON), and each send with its error. */
class EventDetailDialog extends Dialog {

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final Pre payload = new Pre();
    final Grid<EventAttempt> attempts = new Grid<>();

    EventDetailDialog(EventDetail detail) {
        ForwardedEvent event = detail.event();
        addClassName("event-detail");
        setHeaderTitle(event.getEventType().replace("io.memberstream.", "") + " · " + event.getSubject());
        setWidth("min(60em, 96vw)");

        var facts = new Div();
        facts.addClassName("event-detail-facts");
        facts.add(new Paragraph("Event " + event.getEventId() + ", by " + event.getActor() + " at "
                + EventLogView.WHEN_TEXT.format(event.getOccurredAt()) + " UTC."));
        facts.add(new Paragraph(landed(event)));

        payload.addClassName("event-payload");
        payload.setText(event.getPayload() == null ? "(not sent yet: the CloudEvent is stored with its first outcome)"
                : pretty(event.getPayload()));
        payload.getStyle().set("white-space", "pre-wrap").set("overflow-wrap", "anywhere").set("max-height", "20em")
                .set("overflow", "auto");

        attempts.addColumn(a -> EventLogView.WHEN_TEXT.format(a.at())).setHeader("When (UTC)").setAutoWidth(true);
        attempts.addColumn(a -> EventLogView.label(a.status())).setHeader("Outcome").setAutoWidth(true);
        attempts.addColumn(EventAttempt::attempts).setHeader("Tries").setAutoWidth(true);
        attempts.addColumn(a -> a.error() == null ? "" : a.error()).setHeader("Error").setFlexGrow(1);
        attempts.setItems(detail.attempts());
        attempts.setAllRowsVisible(true);
        attempts.addClassName("event-attempts");

        add(facts, new H4("CloudEvent"), payload, new H4("Sends"),
                detail.attempts().isEmpty() ? new Paragraph("No send has finished yet.") : attempts);
        getFooter().add(new Button("Close", click -> close()));
    }

    static String landed(ForwardedEvent event) {
        if (event.getSink() == null) {
            return "Not sent yet.";
        }
        String sink = event.getSink().name().toLowerCase(Locale.ROOT);
        if (event.getShardId() != null) {
            return "Landed in " + sink + " stream " + event.getDestination() + ", " + event.getShardId()
                    + ", sequence number " + event.getSequenceNumber() + (event.getSentBy() == null ? ""
                    : " (sent by " + event.getSentBy() + ")") + ".";
        }
        if (event.getRecordId() != null) {
            return "Landed in " + sink + " delivery stream " + event.getDestination() + ", record id "
                    + event.getRecordId() + ".";
        }
        return "Going to " + sink + " " + event.getDestination() + "; " + EventLogView.label(event.getStatus())
                .toLowerCase(Locale.ROOT) + " after " + event.getAttempts() + " tries.";
    }

    private static String pretty(String json) {
        try {
            return PRETTY.writeValueAsString(PRETTY.readTree(json));
        } catch (Exception notJson) {
            return json;
        }
    }
}
