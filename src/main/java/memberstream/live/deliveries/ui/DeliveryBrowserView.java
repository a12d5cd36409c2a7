package memberstream.live.deliveries.ui;

import memberstream.live.ui.Formats;
import memberstream.live.ui.SecondaryColumnKeys;
import memberstream.live.ui.SinkCalls;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSingleSelectionModel;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.live.deliveries.DeliveryBrowser.DeliveryStreamRow;
import memberstream.live.deliveries.DeliveryBrowser.ObjectRow;
import memberstream.live.deliveries.DeliveryBrowser;

/**
 * Firehose as the SDK sees it: each delivery stream's configuration, what it has buffered (when the
 * endpoint can say), its last deliveries and failures; then the bucket by prefix ({@link BucketBrowser}),
 * where an object opens decoded into its records ({@link ObjectViewer}) and can be downloaded as stored.
 */
@Route(value = "deliveries", layout = MainLayout.class)
@PageTitle("Deliveries | Memberstream")
@Menu(order = MenuOrder.DELIVERIES, title = "Deliveries", icon = "vaadin:archives")
@PermitAll
public class DeliveryBrowserView extends VerticalLayout {

    private static final int LAST_DELIVERIES = 10;
    /** Characters of one record put on the page; a record longer than this is cut there. */
    /** How often the buffered numbers are asked again (the UI poll). */
    static final int BUFFER_REFRESH_MILLIS = 1000;

    private final transient DeliveryBrowser browser;
    private final transient SinkCalls calls;
    private final BucketBrowser bucketBrowser;

    private final Grid<DeliveryStreamRow> deliveryStreams = new Grid<>(DeliveryStreamRow.class, false);
    private final VerticalLayout details = new VerticalLayout();
    private final Div configuration = new Div();
    private final Div buffered = new Div();
    private final Span bufferSummary = new Span();
    private final Div bufferNumbers = new Div();
    private final Grid<ObjectRow> lastDeliveries = objectGrid("last-deliveries");
    private final Grid<ObjectRow> failures = objectGrid("failures");
    private DeliveryStreamRow shownStream;
    private DeliveryBrowser.BufferState shownBuffer;
    private Registration pollRegistration;

    public DeliveryBrowserView(DeliveryBrowser browser, Clock clock) {
        this.browser = browser;
        this.calls = new SinkCalls(clock);
        this.bucketBrowser = new BucketBrowser(browser, calls);
        addClassName("delivery-browser");
        configureDeliveryStreamGrid();
        configureDetails();
        bucketBrowser.addOpenListener(open -> openObject(open.object()));
        add(new H2("Deliveries"), deliveryStreams, details, new H3("Bucket"), bucketBrowser);
        refreshDeliveryStreams();
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        UI ui = attachEvent.getUI();
        ui.setPollInterval(BUFFER_REFRESH_MILLIS);
        pollRegistration = ui.addPollListener(poll -> refreshBuffered());
        ui.getPage().retrieveExtendedClientDetails(details -> SecondaryColumnKeys.fitTo(this, details.getWindowInnerWidth()));
        ui.getPage().addBrowserWindowResizeListener(resize -> SecondaryColumnKeys.fitTo(this, resize.getWidth()));
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        if (pollRegistration != null) {
            pollRegistration.remove();
            pollRegistration = null;
        }
        detachEvent.getUI().setPollInterval(-1);
    }

    private void configureDeliveryStreamGrid() {
        deliveryStreams.setId("delivery-streams");
        deliveryStreams.addThemeVariants(GridVariant.LUMO_COMPACT);
        deliveryStreams.addColumn(DeliveryStreamRow::name).setHeader("Delivery stream").setFlexGrow(2);
        deliveryStreams.addColumn(DeliveryStreamRow::status).setHeader("Status");
        // on a phone name and status stay (SecondaryColumnKeys); the rest is in the configuration below
        deliveryStreams.addColumn(DeliveryStreamRow::type).setHeader("Source").setKey("secondary-source");
        deliveryStreams.addColumn(DeliveryStreamRow::bucket).setHeader("Bucket").setKey("secondary-bucket");
        deliveryStreams.addColumn(r -> orDash(r.bufferSizeMb()) + " MB / " + orDash(r.bufferIntervalSeconds()) + " s")
                .setHeader("Buffer (size / interval)").setKey("secondary-buffer");
        deliveryStreams.addColumn(DeliveryStreamRow::compression).setHeader("Compression").setKey("secondary-compression");
        deliveryStreams.setAllRowsVisible(true);
        deliveryStreams.setEmptyStateText("No Firehose delivery streams at this endpoint.");
        // A click on the stream already shown keeps it shown (a grid's default is to deselect it).
        ((GridSingleSelectionModel<DeliveryStreamRow>) deliveryStreams.getSelectionModel()).setDeselectAllowed(false);
        deliveryStreams.asSingleSelect().addValueChangeListener(e -> showDeliveryStream(e.getValue()));
    }

    private void configureDetails() {
        configuration.setId("delivery-configuration");
        configuration.addClassName("key-values");
        buffered.setId("buffered-now");
        bufferSummary.setId("buffered-summary");
        bufferSummary.addClassName("buffered-summary");
        bufferNumbers.addClassName("key-values");
        buffered.add(bufferSummary, bufferNumbers);
        details.setPadding(false);
        details.add(configuration, new H3("Buffered now"), buffered, new H3("Last deliveries"), lastDeliveries,
                new H3("Failures (error output prefix)"), failures);
        details.setVisible(false);
    }

    private Grid<ObjectRow> objectGrid(String id) {
        Grid<ObjectRow> grid = new Grid<>(ObjectRow.class, false);
        grid.setId(id);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addColumn(ObjectRow::key).setHeader("Key").setFlexGrow(4).setTooltipGenerator(ObjectRow::key);
        grid.addColumn(o -> humanBytes(o.size())).setHeader("Size");
        grid.addColumn(o -> o.lastModified() == null ? "" : Formats.TIME.format(o.lastModified())).setHeader("Written (UTC)")
                .setKey("secondary-written");
        grid.addColumn(ObjectRow::compression).setHeader("Compression").setKey("secondary-compression");
        grid.addColumn(o -> o.records() == null ? "–" : o.records().toString()).setHeader("Records")
                .setKey("secondary-records");
        grid.addComponentColumn(o -> BucketBrowser.openButton(() -> openObject(o))).setHeader("").setAutoWidth(true).setFlexGrow(0);
        grid.setAllRowsVisible(true);
        grid.setEmptyStateText("None.");
        grid.addItemClickListener(e -> openObject(e.getItem()));
        return grid;
    }

    // --- actions -----------------------------------------------------------------------------

    private void refreshDeliveryStreams() {
        calls.read("List delivery streams", browser::deliveryStreams, rows -> {
            deliveryStreams.setItems(rows);
            if (!rows.isEmpty()) {
                deliveryStreams.select(rows.get(0));
            }
        });
    }

    void showDeliveryStream(DeliveryStreamRow stream) {
        details.setVisible(stream != null);
        if (stream == null) {
            shownStream = null;
            return;
        }
        configuration.removeAll();
        configuration.add(keyValue("Destination", "s3://" + stream.bucket() + "/" + orDash(stream.prefix())),
                keyValue("Error output prefix", orDash(stream.errorOutputPrefix())),
                keyValue("Buffering", orDash(stream.bufferSizeMb()) + " MB or " + orDash(stream.bufferIntervalSeconds())
                        + " s, whichever first"),
                keyValue("Compression", orDash(stream.compression())
                        + (stream.fileExtension() == null ? "" : ", extension " + stream.fileExtension())),
                keyValue("Processors", stream.processors()),
                keyValue("Version", orDash(stream.versionId())),
                keyValue("Created (UTC)", stream.created() == null ? "–" : Formats.TIME.format(stream.created())));
        if (stream.failure() != null) {
            configuration.add(keyValue("Failure", stream.failure()));
        }
        shownStream = stream;
        showBuffered(browser.buffered(stream.name()));
        refreshDeliveries(stream);
        if (stream.bucket() != null && !stream.bucket().equals(bucketBrowser.bucket())) {
            bucketBrowser.show(stream.bucket(), stream.staticPrefix());
        }
    }

    private void refreshDeliveries(DeliveryStreamRow stream) {
        calls.read("Last deliveries of " + stream.name(), () -> browser.lastDeliveries(stream, LAST_DELIVERIES),
                lastDeliveries::setItems);
        calls.read("Failures of " + stream.name(), () -> browser.failures(stream, LAST_DELIVERIES), failures::setItems);
    }

    /**
     * On the UI poll: asks again what the shown stream holds (not when its endpoint said it never
     * reports it). When fewer records are held than before, a flush happened: the last deliveries and
     * failures are read again too.
     */
    void refreshBuffered() {
        if (shownStream == null || shownBuffer == null || shownBuffer.endpointDoesNotReport()) {
            return;
        }
        DeliveryBrowser.BufferState before = shownBuffer;
        DeliveryBrowser.BufferState now = browser.buffered(shownStream.name());
        showBuffered(now);
        if (before.reported() && now.reported() && now.records() < before.records()) {
            refreshDeliveries(shownStream);
            if (shownStream.bucket() != null && shownStream.bucket().equals(bucketBrowser.bucket())) {
                bucketBrowser.refresh(); // the flush wrote an object: the bucket listing shows it without a click
            }
        }
    }

    /** Shows the state: the summary line keeps its element (the poll updates its text), the numbers are redrawn. */
    private void showBuffered(DeliveryBrowser.BufferState state) {
        shownBuffer = state;
        bufferSummary.setText(bufferSummary(state, shownStream));
        bufferNumbers.removeAll();
        bufferNumbers.setVisible(state.reported());
        if (!state.reported()) {
            return;
        }
        bufferNumbers.add(keyValue("Records", Long.toString(state.records())),
                keyValue("Bytes (before compression)", humanBytes(state.bytes())),
                keyValue("Oldest record arrived (UTC)", state.oldestArrival() == null ? "–"
                        : Formats.TIME.format(state.oldestArrival())),
                keyValue(state.partitions() > 1 ? "Soonest interval flush" : "Interval flush",
                        state.untilIntervalFlush() == null ? "–" : "in " + duration(state.untilIntervalFlush())));
        if (state.partitions() > 1) {
            bufferNumbers.add(keyValue("Partitions buffering", state.partitions().toString()));
        }
        if (state.retryingRecords() > 0) {
            bufferNumbers.add(keyValue("Waiting for a retry", state.retryingRecords() + " record(s), after a failed delivery"));
        }
    }

    /** One line: "12 records, 13.4 KiB buffered · flush in 41 s (or when 5 MiB)". */
    static String bufferSummary(DeliveryBrowser.BufferState state, DeliveryStreamRow stream) {
        if (!state.reported()) {
            return state.notReported();
        }
        String orSize = stream == null || stream.bufferSizeMb() == null ? ""
                : " (or when " + stream.bufferSizeMb() + " MiB)";
        if (state.records() == 0) {
            return "Nothing buffered · the next record starts the "
                    + (stream == null ? "" : orDash(stream.bufferIntervalSeconds()) + " s ") + "interval" + orSize;
        }
        StringBuilder text = new StringBuilder(plural(state.records(), "record")).append(", ")
                .append(humanBytes(state.bytes())).append(" buffered");
        if (state.partitions() > 1) {
            text.append(" in ").append(state.partitions()).append(" partitions");
        }
        if (state.untilIntervalFlush() != null) {
            text.append(" · ").append(state.partitions() > 1 ? "soonest flush " : "flush ")
                    .append(state.untilIntervalFlush().isZero() ? "due now" : "in " + duration(state.untilIntervalFlush()))
                    .append(orSize);
        }
        if (state.retryingRecords() > 0) {
            text.append(" · ").append(plural(state.retryingRecords(), "record"))
                    .append(" waiting for a retry after a failed delivery");
        } else if (state.untilIntervalFlush() == null) {
            text.append(" · being written to S3 now");
        }
        return text.toString();
    }

    private static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /** Whole seconds, rounded up (a flush 0.2 s away is "1 s" away); minutes past a minute. */
    static String duration(java.time.Duration duration) {
        long seconds = (duration.toMillis() + 999) / 1000;
        if (seconds < 60) {
            return seconds + " s";
        }
        return seconds / 60 + " min " + seconds % 60 + " s";
    }

    void openObject(ObjectRow object) {
        calls.read("Open " + object.key(), () -> browser.open(object.bucket(), object.key()),
                decoded -> new ObjectViewer(browser, object, decoded).open());
    }

    private static Div keyValue(String key, String value) {
        Div row = new Div();
        row.addClassName("key-value");
        Span k = new Span(key);
        k.addClassName("key");
        Span v = new Span(value);
        v.addClassName("value");
        row.add(k, v);
        return row;
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static String orDash(Object value) {
        return value == null || value.toString().isEmpty() ? "–" : value.toString();
    }
}
