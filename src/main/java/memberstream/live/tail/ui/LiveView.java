package memberstream.live.tail.ui;

import memberstream.live.ui.Formats;
import memberstream.settings.Settings;
import memberstream.settings.SettingsService;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.live.EventTypes;
import memberstream.live.tail.EventRateChart;
import memberstream.live.tail.LiveFeed;
import memberstream.live.tail.LiveRecord;
import memberstream.live.tail.LiveStatus;
import memberstream.live.tail.RollingAnalytics;
import memberstream.live.tail.ShardLagChart;

/**
 * The members stream as it flows: every record the live consumer reads is pushed to the browser
 * (the application has {@code @Push}), with the rolling charts beside it. The grid holds at most as
 * many rows as the feed keeps. The charts are redrawn at most once a second when records arrive; a
 * one-second UI poll draws what a burst left pending and lets the minute window slide on a quiet stream.
 * Opening the page makes the consumer read the stream (the page subscribes to the feed: a watcher); when
 * the consumer was idle, it first catches up on the last 30 minutes (the status says "Catching up"),
 * and the page then shows the window it read back.
 * The charts are drawn as wide as the window leaves room for (so a phone's labels are not scaled down to
 * a few pixels), and on a phone the grid keeps arrival, event and member; a row's details show the data.
 */
@Route(value = "live", layout = MainLayout.class)
@PageTitle("Live tail | Memberstream")
@Menu(order = MenuOrder.LIVE, title = "Live tail", icon = "vaadin:chart-timeline")
@PermitAll
public class LiveView extends VerticalLayout {

    private static final Duration CHART_REFRESH = Duration.ofSeconds(1);
    private static final Duration ANOMALY_SHOWN_FOR = Duration.ofMinutes(5);
    private static final Duration QUIET_REDRAW = Duration.ofSeconds(10);
    private static final int POLL_MILLIS = 1000;
    /** Below this window width (CSS pixels) the grid drops its secondary columns. */
    static final int PHONE_WIDTH = 700;
    /** The page's padding and the chart's border, taken from the window's width to get the chart's. */
    private static final int CHART_MARGIN = 34;
    private static final int MIN_CHART_WIDTH = 280;

    private final transient LiveFeed feed;
    private final transient SettingsService settings;
    private final transient Clock clock;
    private final Div sinkHint = new Div();
    private final ArrayDeque<LiveRecord> shown = new ArrayDeque<>();
    private final Grid<LiveRecord> grid = new Grid<>(LiveRecord.class, false);
    private final Span status = new Span();
    private final Span counter = new Span();
    private final Div anomaly = new Div();
    private final Svg rateChart = new Svg();
    private final Svg lagChart = new Svg();
    private final java.util.List<Grid.Column<LiveRecord>> secondary = new java.util.ArrayList<>();
    private int chartWidth = EventRateChart.WIDTH;
    private Instant chartsDrawnAt = Instant.MIN;
    private boolean chartsPending;
    private long received;
    private transient Runnable unsubscribe;
    private com.vaadin.flow.shared.Registration pollRegistration;

    public LiveView(LiveFeed feed, SettingsService settings, Clock clock) {
        this.feed = feed;
        this.settings = settings;
        this.clock = clock;
        addClassName("live-view");
        setSizeFull();
        configureGrid();
        sinkHint.setId("sink-hint");
        sinkHint.addClassName("sink-hint");
        add(header(), sinkHint, anomaly, charts(), grid);
        anomaly.addClassName("anomaly-banner");
        anomaly.setId("anomaly");
        anomaly.setVisible(false);
        showInitialState();
    }

    private HorizontalLayout header() {
        H2 title = new H2("Live tail");
        status.setId("live-status");
        counter.addClassName("live-counter");
        HorizontalLayout header = new HorizontalLayout(title, status, counter);
        header.addClassName("live-header");
        header.setAlignItems(Alignment.BASELINE);
        return header;
    }

    private FlexLayout charts() {
        rateChart.setId("events-per-minute");
        lagChart.setId("lag-per-shard");
        rateChart.addClassName("chart");
        lagChart.addClassName("chart");
        FlexLayout charts = new FlexLayout(rateChart, lagChart);
        charts.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        charts.addClassName("charts");
        return charts;
    }

    private void configureGrid() {
        grid.setId("live-records");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(r -> r.arrival() == null ? "" : Formats.TIME.format(r.arrival())).setHeader("Arrived (UTC)")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(LiveView::eventBadge).setHeader("Event").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(r -> r.member() == null ? "" : r.member()).setHeader("Member").setFlexGrow(2);
        secondary.add(grid.addColumn(LiveRecord::shardId).setHeader("Shard").setAutoWidth(true).setFlexGrow(0));
        secondary.add(grid.addColumn(LiveRecord::sequenceNumber).setHeader("Sequence number").setFlexGrow(3)
                .setTooltipGenerator(LiveRecord::sequenceNumber));
        secondary.add(grid.addColumn(LiveRecord::partitionKey).setHeader("Partition key").setFlexGrow(1));
        secondary.add(grid.addColumn(r -> r.delay() == null ? "–" : r.delay().toMillis() + " ms")
                .setHeader("Commit → arrival").setAutoWidth(true).setFlexGrow(0));
        grid.setItemDetailsRenderer(new com.vaadin.flow.data.renderer.TextRenderer<>(LiveRecord::dataPreview));
        grid.setItems(new ListDataProvider<>(shown));
        grid.setEmptyStateText("No records yet: changes to members appear here as they arrive in the stream.");
        grid.setSizeFull();
    }

    private static Span eventBadge(LiveRecord record) {
        String name = EventTypes.shortName(record.eventType());
        Span badge = new Span(name);
        badge.getElement().getThemeList().add("badge");
        badge.getStyle().set("background", EventTypes.color(record.eventType())).set("color", "white");
        badge.addClassName("event-" + name);
        return badge;
    }

    private void showInitialState() {
        shown.addAll(feed.recent(feed.capacity()));
        received = 0;
        showStatus(feed.status());
        drawCharts(feed.status());
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        UI ui = attachEvent.getUI();
        unsubscribe = feed.subscribe(update -> ui.access(() -> apply(update)));
        ui.setPollInterval(POLL_MILLIS);
        pollRegistration = ui.addPollListener(poll -> redrawIfDue());
        ui.getPage().retrieveExtendedClientDetails(details -> fitTo(details.getWindowInnerWidth()));
        ui.getPage().addBrowserWindowResizeListener(resize -> fitTo(resize.getWidth()));
    }

    /** Lays the page out for a window {@code windowWidth} CSS pixels wide: the charts' width, the grid's columns. */
    void fitTo(int windowWidth) {
        secondary.forEach(column -> column.setVisible(windowWidth >= PHONE_WIDTH));
        int width = Math.max(MIN_CHART_WIDTH, Math.min(EventRateChart.WIDTH, windowWidth - CHART_MARGIN));
        if (width != chartWidth) {
            chartWidth = width;
            drawCharts(feed.status());
        }
    }

    int chartWidth() {
        return chartWidth;
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        if (unsubscribe != null) {
            unsubscribe.run();
            unsubscribe = null;
        }
        if (pollRegistration != null) {
            pollRegistration.remove();
            pollRegistration = null;
        }
        detachEvent.getUI().setPollInterval(-1);
    }

    /** Shows an update from the feed; runs with the UI's lock held. */
    void apply(LiveFeed.Update update) {
        if (update.rebuilt()) {
            // the consumer caught up on what arrived while nobody watched: show the window it read back
            shown.clear();
            shown.addAll(feed.recent(feed.capacity()));
            grid.getDataProvider().refreshAll();
            chartsDrawnAt = Instant.MIN;
        }
        for (LiveRecord record : update.records()) {
            shown.addFirst(record);
            if (shown.size() > feed.capacity()) {
                shown.removeLast();
            }
        }
        received += update.records().size();
        if (!update.records().isEmpty()) {
            grid.getDataProvider().refreshAll();
        }
        showStatus(update.status());
        chartsPending = true;
        if (!clock.instant().isBefore(chartsDrawnAt.plus(CHART_REFRESH))) {
            drawCharts(update.status());
        }
    }

    /** On the UI poll: draws what is pending, or slides the window on a quiet stream. */
    void redrawIfDue() {
        showStatus(feed.status());
        Instant now = clock.instant();
        if (chartsPending && !now.isBefore(chartsDrawnAt.plus(CHART_REFRESH))
                || !now.isBefore(chartsDrawnAt.plus(QUIET_REDRAW))) {
            drawCharts(feed.status());
        }
    }

    /**
     * While member events go to Firehose nothing new reaches the stream this page reads: say so, and
     * where they go instead, rather than let an empty tail look like a fault.
     */
    boolean showSink() {
        Settings now = settings.current();
        sinkHint.setVisible(now.firehose());
        sinkHint.setText(now.firehose() ? "Member events go to Firehose now (delivery stream "
                + now.firehoseDeliveryStreamName() + "), so no new ones arrive in this Kinesis stream. "
                + "See them on Deliveries, or switch to Kinesis on Settings." : "");
        return now.firehose();
    }

    private void showStatus(LiveStatus current) {
        boolean toFirehose = showSink();
        // the consumer still reads the stream, but the status must agree with the notice above it
        status.setText(toFirehose ? current.message() + " (nothing new arrives while events go to Firehose)"
                : current.message());
        status.getElement().getThemeList().clear();
        status.getElement().getThemeList().add(current.state() == LiveStatus.State.READING && !toFirehose
                ? "badge success" : "badge contrast");
        counter.setText(received == 0 ? "" : received + " new since you opened this page");
    }

    private void drawCharts(LiveStatus current) {
        chartsDrawnAt = clock.instant();
        chartsPending = false;
        RollingAnalytics.Snapshot snapshot = feed.analytics();
        rateChart.setSvg(EventRateChart.render(snapshot, ZoneOffset.UTC, chartWidth));
        lagChart.setSvg(ShardLagChart.render(current.lags(), chartWidth));
        RollingAnalytics.Anomaly latest = snapshot.latestAnomaly()
                .filter(a -> a.minute().isAfter(chartsDrawnAt.minus(ANOMALY_SHOWN_FOR)))
                .orElse(null);
        anomaly.setVisible(latest != null);
        anomaly.setText(latest == null ? "" : "Anomaly: " + latest.describe());
    }
}
