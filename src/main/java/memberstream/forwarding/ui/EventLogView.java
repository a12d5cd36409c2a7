package memberstream.forwarding.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.forwarding.DeliveryStatus;
import memberstream.forwarding.EventLogService;
import memberstream.forwarding.ForwardedEvent;

/**
 * Recent events and where they went: status, sink, attempts, last error, and for delivered ones the
 * shard and sequence number (Kinesis) or the record id (Firehose). Admins can send failed ones again.
 */
@Route(value = "events", layout = MainLayout.class)
@PageTitle("Event log | Memberstream")
@Menu(order = MenuOrder.EVENT_LOG, title = "Event log", icon = "vaadin:exchange")
@PermitAll
public class EventLogView extends VerticalLayout {

    static final String ALL = "All";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private final EventLogService eventLog;
    private final boolean admin;
    private final Grid<ForwardedEvent> grid = new Grid<>(ForwardedEvent.class, false);
    private final Select<String> statusFilter = new Select<>();
    private final Span summary = new Span();

    public EventLogView(EventLogService eventLog, AuthenticationContext authentication) {
        this.eventLog = eventLog;
        this.admin = authentication.hasRole("ADMIN");
        addClassName("event-log-view");
        setSizeFull();
        configureGrid();
        add(new H2("Event log"), toolbar(), grid);
        refresh();
    }

    private HorizontalLayout toolbar() {
        statusFilter.setLabel("Status");
        statusFilter.setItems(List.of(ALL, label(DeliveryStatus.PENDING), label(DeliveryStatus.DELIVERED),
                label(DeliveryStatus.FAILED)));
        statusFilter.setValue(ALL);
        statusFilter.addValueChangeListener(change -> refresh());

        var refresh = new Button("Refresh", click -> refresh());
        var toolbar = new HorizontalLayout(statusFilter, refresh);
        if (admin) {
            var retryAll = new Button("Retry all undelivered", click -> retryAll());
            retryAll.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            toolbar.add(retryAll);
        }
        summary.addClassName("event-log-summary");
        toolbar.add(summary);
        toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        return toolbar;
    }

    private void configureGrid() {
        grid.addClassName("event-log-grid");
        grid.setSizeFull();
        var occurred = grid.addColumn(e -> WHEN.format(e.getOccurredAt())).setHeader("Occurred (UTC)")
                .setSortProperty("occurredAt").setAutoWidth(true);
        grid.addColumn(e -> e.getEventType().replace("io.memberstream.", "")).setHeader("Type")
                .setSortProperty("eventType").setAutoWidth(true);
        grid.addColumn(ForwardedEvent::getSubject).setHeader("Subject").setAutoWidth(true);
        grid.addComponentColumn(EventLogView::statusBadge).setHeader("Status").setSortProperty("status")
                .setAutoWidth(true);
        grid.addColumn(e -> e.getSink() == null ? "" : e.getSink().name().toLowerCase(Locale.ROOT)
                + " · " + e.getDestination()).setHeader("Sink").setAutoWidth(true);
        grid.addColumn(ForwardedEvent::getAttempts).setHeader("Attempts").setSortProperty("attempts")
                .setAutoWidth(true);
        grid.addColumn(EventLogView::where).setHeader("Shard · sequence number / record id").setAutoWidth(true);
        grid.addColumn(e -> e.getLastError() == null ? "" : e.getLastError()).setHeader("Last error")
                .setFlexGrow(1);
        grid.addColumn(ForwardedEvent::getActor).setHeader("By").setAutoWidth(true);
        if (admin) {
            grid.addComponentColumn(this::retryButton).setHeader("").setAutoWidth(true);
        }
        grid.sort(List.of(new GridSortOrder<>(occurred, SortDirection.DESCENDING)));
        grid.setItems(query -> eventLog.list(status(),
                VaadinSpringDataHelpers.toSpringPageRequest(query)).stream());
    }

    private Button retryButton(ForwardedEvent event) {
        var retry = new Button("Retry", click -> retry(event));
        retry.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        retry.setVisible(event.getStatus() == DeliveryStatus.FAILED);
        return retry;
    }

    private void retry(ForwardedEvent event) {
        eventLog.retry(event.getEventId());
        notify("Event " + event.getEventId() + " is being sent again.", NotificationVariant.LUMO_SUCCESS);
        refresh();
    }

    private void retryAll() {
        eventLog.retryAll();
        notify("Every undelivered event is being sent again.", NotificationVariant.LUMO_SUCCESS);
        refresh();
    }

    private void refresh() {
        grid.getDataProvider().refreshAll();
        long undelivered = eventLog.undelivered();
        summary.setText(undelivered == 0 ? "Everything delivered." : undelivered + " not delivered yet.");
    }

    private DeliveryStatus status() {
        String value = statusFilter.getValue();
        return value == null || ALL.equals(value) ? null : DeliveryStatus.valueOf(value.toUpperCase(Locale.ROOT));
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

    private static String where(ForwardedEvent event) {
        if (event.getShardId() != null) {
            return event.getShardId() + " · " + event.getSequenceNumber();
        }
        return event.getRecordId() == null ? "" : event.getRecordId();
    }

    private static void notify(String text, NotificationVariant variant) {
        Notification notification = Notification.show(text, 5000, Notification.Position.BOTTOM_START);
        notification.addThemeVariants(variant);
    }
}
