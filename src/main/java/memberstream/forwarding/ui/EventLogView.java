package memberstream.forwarding.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.forwarding.DeliveryStatus;
import memberstream.forwarding.EventLogFilter;
import memberstream.forwarding.EventLogService;
import memberstream.forwarding.ForwardedEvent;

/**
 * Every event and where it went, paged lazily with an exact count, filtered by status, type, member
 * (id or email) and time; a click opens the event's detail (the CloudEvent as sent, each send with its
 * error, where it landed). Admins can send undelivered ones again; the buttons are enabled only when
 * there is something to send. On a phone the secondary columns are hidden and the filters fold
 * into a "Filters" summary that names the active ones, so the grid gets the screen.
 */
@Route(value = "events", layout = MainLayout.class)
@PageTitle("Event log | Memberstream")
@Menu(order = MenuOrder.EVENT_LOG, title = "Event log", icon = "vaadin:exchange")
@PermitAll
public class EventLogView extends VerticalLayout {

    static final String ALL = "All";
    static final int PHONE_WIDTH = 600;
    static final DateTimeFormatter WHEN_TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SHORT_WHEN = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final EventLogService eventLog;
    private final boolean admin;
    final Grid<ForwardedEvent> grid = new Grid<>(ForwardedEvent.class, false);
    final Select<String> statusFilter = new Select<>();
    final TextField typeFilter = new TextField("Type");
    final TextField memberFilter = new TextField("Member (id or email)");
    final DateTimePicker fromFilter = new DateTimePicker("From (UTC)");
    final DateTimePicker toFilter = new DateTimePicker("To (UTC)");
    final Span summary = new Span();
    final Details filters = new Details();
    Button retryAll;
    private final List<Grid.Column<ForwardedEvent>> secondary = new ArrayList<>();
    private Grid.Column<ForwardedEvent> phoneOnly;
    /** Whether the page was last laid out for a phone; null before the window's width is known. */
    private Boolean laidOutForPhone;

    public EventLogView(EventLogService eventLog, AuthenticationContext authentication) {
        this.eventLog = eventLog;
        this.admin = authentication.hasRole("ADMIN");
        addClassName("event-log-view");
        setSizeFull();
        configureGrid();
        add(new H2("Event log"), toolbar(), grid);
        setFlexGrow(1, grid);
        refresh();
    }

    private FlexLayout toolbar() {
        statusFilter.setLabel("Status");
        statusFilter.setItems(List.of(ALL, label(DeliveryStatus.PENDING), label(DeliveryStatus.DELIVERED),
                label(DeliveryStatus.FAILED)));
        statusFilter.setValue(ALL);
        statusFilter.addValueChangeListener(change -> refresh());
        typeFilter.setPlaceholder("member.updated");
        typeFilter.setClearButtonVisible(true);
        memberFilter.setClearButtonVisible(true);
        memberFilter.setMaxLength(254);
        for (TextField field : List.of(typeFilter, memberFilter)) {
            field.setValueChangeMode(ValueChangeMode.LAZY);
            field.addValueChangeListener(change -> refresh());
        }
        for (DateTimePicker picker : List.of(fromFilter, toFilter)) {
            picker.addValueChangeListener(change -> refresh());
        }

        var fields = new FlexLayout(statusFilter, typeFilter, memberFilter, fromFilter, toFilter);
        fields.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        fields.setAlignItems(FlexComponent.Alignment.BASELINE);
        fields.getStyle().set("gap", "var(--lumo-space-s)");
        fields.setWidthFull();
        filters.add(fields);
        filters.addClassName("event-log-filters");
        filters.setOpened(true);
        filters.setWidthFull();

        var refresh = new Button("Refresh", click -> refresh());
        var toolbar = new FlexLayout(filters, refresh);
        if (admin) {
            retryAll = new Button("Retry all undelivered", click -> retryAll());
            retryAll.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            toolbar.add(retryAll);
        }
        summary.addClassName("event-log-summary");
        toolbar.add(summary);
        toolbar.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        toolbar.setAlignItems(FlexComponent.Alignment.BASELINE);
        toolbar.getStyle().set("gap", "var(--lumo-space-s)");
        toolbar.setWidthFull();
        return toolbar;
    }

    private void configureGrid() {
        grid.addClassName("event-log-grid");
        grid.setSizeFull();
        var occurred = grid.addColumn(e -> WHEN.format(e.getOccurredAt())).setHeader("Occurred (UTC)")
                .setSortProperty("occurredAt").setAutoWidth(true).setFlexGrow(0);
        secondary.add(occurred);
        // a phone's shorter time, so the four columns fit without a sideways scroll; a fixed width, since a
        // column hidden at the first render gets no automatic width when shown
        // "When (UTC)" did not fit beside the sort arrow at 8em: the zone goes to the header's tooltip
        var when = new Span("When");
        when.setTitle("Occurred, in UTC");
        phoneOnly = grid.addColumn(e -> SHORT_WHEN.format(e.getOccurredAt())).setHeader(when)
                .setSortProperty("occurredAt").setWidth("8em").setFlexGrow(0);
        phoneOnly.setVisible(false);
        secondary.add(grid.addColumn(e -> e.getEventType().replace("io.memberstream.", "")).setHeader("Type")
                .setSortProperty("eventType").setAutoWidth(true).setFlexGrow(0));
        grid.addColumn(ForwardedEvent::getSubject).setHeader("Member").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(EventLogView::statusBadge).setHeader("Status").setSortProperty("status")
                .setAutoWidth(true).setFlexGrow(0);
        secondary.add(grid.addColumn(ForwardedEvent::getAttempts).setHeader("Tries").setSortProperty("attempts")
                .setAutoWidth(true).setFlexGrow(0));
        secondary.add(grid.addColumn(EventLogView::where).setHeader("Where").setWidth("10em").setFlexGrow(2));
        secondary.add(grid.addColumn(e -> e.getLastError() == null ? "" : e.getLastError()).setHeader("Last error")
                .setWidth("8em").setFlexGrow(1));
        secondary.add(grid.addColumn(ForwardedEvent::getActor).setHeader("By").setWidth("7em").setFlexGrow(0));
        grid.addItemClickListener(click -> showDetail(click.getItem()));
        if (admin) {
            // on a phone there is no room for it: Retry all undelivered sends the failed ones again
            secondary.add(grid.addComponentColumn(this::retryButton).setHeader("").setAutoWidth(true));
        }
        grid.sort(List.of(new GridSortOrder<>(occurred, SortDirection.DESCENDING)));
        grid.setItems(query -> eventLog.list(filter(), VaadinSpringDataHelpers.toSpringPageRequest(query)).stream(),
                query -> (int) Math.min(Integer.MAX_VALUE, eventLog.count(filter())));
        addAttachListener(attach -> {
            attach.getUI().getPage().retrieveExtendedClientDetails(details -> fitTo(details.getWindowInnerWidth()));
            attach.getUI().getPage().addBrowserWindowResizeListener(resize -> fitTo(resize.getWidth()));
        });
    }

    private Button retryButton(ForwardedEvent event) {
        var retry = new Button("Retry", click -> retry(event));
        retry.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        retry.setVisible(event.getStatus() == DeliveryStatus.FAILED);
        return retry;
    }

    /**
     * On a phone only the time, member and status stay (the rest is in the detail) and the filters are
     * folded. The fold changes only when the width crosses to the other side, so a phone's keyboard
     * (which resizes the window) does not fold the filters someone is typing in.
     */
    void fitTo(int windowWidth) {
        boolean phone = windowWidth < PHONE_WIDTH;
        secondary.forEach(column -> column.setVisible(!phone));
        phoneOnly.setVisible(phone);
        if (laidOutForPhone == null || laidOutForPhone != phone) {
            filters.setOpened(!phone);
        }
        laidOutForPhone = phone;
    }

    /** The folded filters' summary names each active filter, so a phone shows what the grid is narrowed to. */
    private void showActiveFilters() {
        EventLogFilter active = filter();
        List<String> parts = new ArrayList<>();
        if (active.status() != null) {
            parts.add(label(active.status()));
        }
        if (active.type() != null) {
            parts.add("type " + active.type());
        }
        if (active.member() != null) {
            parts.add("member " + active.member());
        }
        if (active.from() != null) {
            parts.add("from " + WHEN_TEXT.format(active.from()));
        }
        if (active.to() != null) {
            parts.add("to " + WHEN_TEXT.format(active.to()));
        }
        filters.setSummaryText(parts.isEmpty() ? "Filters: none" : "Filters: " + String.join(" · ", parts));
    }

    private void showDetail(ForwardedEvent row) {
        eventLog.detail(row.getEventId()).ifPresentOrElse(detail -> new EventDetailDialog(detail).open(),
                () -> notify("That event is no longer in the log.", NotificationVariant.LUMO_ERROR));
    }

    private void retry(ForwardedEvent event) {
        if (event.getStatus() == DeliveryStatus.DELIVERED) {
            notify("Event " + event.getEventId() + " was delivered meanwhile; nothing to send.",
                    NotificationVariant.LUMO_CONTRAST);
        } else {
            eventLog.retry(event.getEventId());
            notify("Event " + event.getEventId() + " is being sent again.", NotificationVariant.LUMO_SUCCESS);
        }
        refresh();
    }

    private void retryAll() {
        long undelivered = eventLog.undelivered();
        if (undelivered == 0) {
            notify("Nothing to send: every event is delivered.", NotificationVariant.LUMO_CONTRAST);
        } else {
            eventLog.retryAll();
            notify(undelivered + (undelivered == 1 ? " undelivered event is" : " undelivered events are")
                    + " being sent again, oldest first.", NotificationVariant.LUMO_SUCCESS);
        }
        refresh();
    }

    private void refresh() {
        grid.getDataProvider().refreshAll();
        showActiveFilters();
        long undelivered = eventLog.undelivered();
        long shown = eventLog.count(filter());
        summary.setText(shown + (shown == 1 ? " event" : " events") + " · "
                + (undelivered == 0 ? "everything delivered." : undelivered + " not delivered yet."));
        if (retryAll != null) {
            retryAll.setEnabled(undelivered > 0);
        }
    }

    EventLogFilter filter() {
        String value = statusFilter.getValue();
        DeliveryStatus status = value == null || ALL.equals(value) ? null
                : DeliveryStatus.valueOf(value.toUpperCase(Locale.ROOT));
        return new EventLogFilter(status, blankToNull(typeFilter.getValue()), blankToNull(memberFilter.getValue()),
                utc(fromFilter.getValue()), utc(toFilter.getValue()));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static Instant utc(LocalDateTime time) {
        return time == null ? null : time.toInstant(ZoneOffset.UTC);
    }

    static String label(DeliveryStatus status) {
        String name = status.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static Span statusBadge(ForwardedEvent event) {
        var badge = new Span(label(event.getStatus()));
        badge.getElement().getThemeList().add("badge pill " + switch (event.getStatus()) {
            case DELIVERED -> "success";
            case PENDING -> "contrast";
            case FAILED -> "error";
        });
        return badge;
    }

    static String where(ForwardedEvent event) {
        if (event.getShardId() != null) {
            return event.getShardId() + " · " + event.getSequenceNumber();
        }
        return event.getRecordId() == null ? "" : event.getRecordId();
    }

    static void notify(String text, NotificationVariant variant) {
        Notification notification = Notification.show(text, 5000, Notification.Position.BOTTOM_START);
        notification.addThemeVariants(variant);
    }
}
