package memberstream.member.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import memberstream.forwarding.MemberHistory;

/**
 * A member's history as a list, newest first: each change with its time, who made it, every field
 * before → after, and where its event went. Shows what it is given; reads nothing itself.
 */
class MemberHistoryPanel extends VerticalLayout {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final Map<String, String> LABELS = Map.of("fullName", "Full name", "email", "Email",
            "phone", "Phone", "role", "Role", "status", "Status", "joinedOn", "Joined on", "notes", "Notes");
    /** Long notes are shown cut in the list; the form has them whole. */
    private static final int SHOWN_VALUE_LENGTH = 120;

    private final H4 heading = new H4("History");
    private final Div entries = new Div();

    MemberHistoryPanel() {
        addClassName("member-history");
        setPadding(false);
        setSpacing(false);
        entries.setWidthFull();
        add(heading, entries);
    }

    void show(List<MemberHistory.Entry> history) {
        entries.removeAll();
        heading.setText(history.size() >= MemberHistory.MAX_ENTRIES
                ? "History (latest " + MemberHistory.MAX_ENTRIES + " changes)" : "History");
        if (history.isEmpty()) {
            entries.add(new Span("No changes recorded for this member."));
            return;
        }
        history.forEach(entry -> entries.add(entry(entry)));
    }

    /** How many changes are listed (for tests). */
    int size() {
        return (int) entries.getChildren().filter(child -> child.hasClassName("history-entry")).count();
    }

    private static Div entry(MemberHistory.Entry entry) {
        var box = new Div();
        box.addClassName("history-entry");
        box.getStyle().set("border-top", "1px solid var(--lumo-contrast-10pct)").set("padding", "var(--lumo-space-xs) 0")
                .set("font-size", "var(--lumo-font-size-s)");
        var what = new Span(entry.type().name().charAt(0) + entry.type().name().substring(1).toLowerCase(Locale.ROOT)
                + " · " + STAMP.format(entry.occurredAt()) + " · by " + (entry.actor() == null ? "unknown" : entry.actor())
                + " · version " + entry.version());
        what.getStyle().set("font-weight", "600");
        box.add(new Div(what));
        for (MemberHistory.FieldChange change : entry.changes()) {
            var line = new Div(new Span(LABELS.getOrDefault(change.field(), change.field()) + ": "
                    + shown(change.before()) + " → " + shown(change.after())));
            line.addClassName("history-change");
            line.getStyle().set("overflow-wrap", "anywhere");
            box.add(line);
        }
        var where = new Div(new Span(entry.destination().describe()));
        where.addClassName("history-destination");
        where.getStyle().set("color", "var(--lumo-secondary-text-color)").set("overflow-wrap", "anywhere");
        box.add(where);
        return box;
    }

    private static String shown(String value) {
        if (value == null) {
            return "(none)";
        }
        return value.length() > SHOWN_VALUE_LENGTH ? value.substring(0, SHOWN_VALUE_LENGTH) + "…" : value;
    }
}
