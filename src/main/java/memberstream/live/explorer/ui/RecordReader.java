package memberstream.live.explorer.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import memberstream.live.Attempted;
import memberstream.live.ShardRange;
import memberstream.live.explorer.StreamExplorer;
import memberstream.live.explorer.StreamExplorer.ShardRead;
import memberstream.live.ui.Formats;
import memberstream.live.ui.SinkCalls;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads the selected shard as a consumer would: an iterator of the chosen type, one GetRecords page,
 * then Next follows the {@code NextShardIterator} that page returned. A click on a record opens it
 * whole ({@link RecordDetail}). A failed read clears the previous results, so nothing stale is shown
 * as if it were the answer.
 */
final class RecordReader extends VerticalLayout {

    private final transient StreamExplorer explorer;
    private final transient SinkCalls calls;
    private final transient Clock clock;
    private final transient Supplier<Optional<ShardRange>> selectedShard;

    private final ComboBox<ShardIteratorType> iteratorType = new ComboBox<>("Iterator type");
    private final TextField startingSequence = new TextField("Sequence number");
    private final TextField startingTimestamp = new TextField("Timestamp (ISO-8601, UTC)");
    private final IntegerField readLimit = new IntegerField("Limit");
    private final Grid<Record> records = new Grid<>(Record.class, false);
    private final Paragraph result = new Paragraph();
    private final Button next = new Button("Next page", e -> readNext());

    private String stream;
    private String shardId;
    private String nextIterator;
    private int pages;

    RecordReader(StreamExplorer explorer, SinkCalls calls, Clock clock, Supplier<Optional<ShardRange>> selectedShard,
                 SecondaryColumns secondary) {
        this.explorer = explorer;
        this.calls = calls;
        this.clock = clock;
        this.selectedShard = selectedShard;
        setPadding(false);
        configureGrid(secondary);
        result.setId("read-result");
        next.setId("read-next");
        next.setVisible(false);
        add(readBar(), result, next, records);
    }

    /** Forgets what was read: another stream was selected. */
    void reset(String stream) {
        this.stream = stream;
        clear("");
    }

    private Component readBar() {
        iteratorType.setItems(ShardIteratorType.TRIM_HORIZON, ShardIteratorType.LATEST,
                ShardIteratorType.AT_SEQUENCE_NUMBER, ShardIteratorType.AFTER_SEQUENCE_NUMBER,
                ShardIteratorType.AT_TIMESTAMP);
        iteratorType.setValue(ShardIteratorType.TRIM_HORIZON);
        iteratorType.setId("iterator-type");
        iteratorType.addValueChangeListener(e -> showIteratorInputs());
        startingSequence.setId("starting-sequence");
        startingTimestamp.setId("starting-timestamp");
        readLimit.setValue(25);
        readLimit.setMin(1);
        readLimit.setMax(10_000);
        readLimit.setId("read-limit");
        readLimit.setWidth("7em");
        Button read = new Button("Read selected shard", e -> readSelected());
        read.setId("read-shard");
        showIteratorInputs();
        FlexLayout bar = new FlexLayout(iteratorType, startingSequence, startingTimestamp, readLimit, read);
        bar.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        bar.getStyle().set("gap", "var(--lumo-space-m)");
        return bar;
    }

    private void configureGrid(SecondaryColumns secondary) {
        records.setId("read-records");
        records.addThemeVariants(GridVariant.LUMO_COMPACT);
        secondary.add(records.addColumn(Record::sequenceNumber).setHeader("Sequence number").setFlexGrow(3)
                .setResizable(true));
        records.addColumn(Record::partitionKey).setHeader("Partition key").setResizable(true);
        secondary.add(records.addColumn(r -> r.approximateArrivalTimestamp() == null ? ""
                : Formats.TIME.format(r.approximateArrivalTimestamp())).setHeader("Arrived (UTC)"));
        records.addColumn(r -> preview(r.data().asByteArray())).setHeader("Data (click a row for all of it)").setFlexGrow(5)
                .setTooltipGenerator(r -> "Open the whole record");
        records.setAllRowsVisible(true);
        records.setVisible(false);
        records.addItemClickListener(e -> open(e.getItem()));
    }

    void open(Record record) {
        new RecordDetail(shardId, record).open();
    }

    private void showIteratorInputs() {
        ShardIteratorType type = iteratorType.getValue();
        startingSequence.setVisible(type == ShardIteratorType.AT_SEQUENCE_NUMBER || type == ShardIteratorType.AFTER_SEQUENCE_NUMBER);
        startingTimestamp.setVisible(type == ShardIteratorType.AT_TIMESTAMP);
        if (type == ShardIteratorType.AT_TIMESTAMP && startingTimestamp.isEmpty()) {
            startingTimestamp.setValue(clock.instant().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    private void readSelected() {
        selectedShard.get().ifPresent(shard -> {
            ShardIteratorType type = iteratorType.getValue();
            String sequence = startingSequence.getValue().trim();
            Instant timestamp = null;
            if ((type == ShardIteratorType.AT_SEQUENCE_NUMBER || type == ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    && !sequence.matches("0|[1-9]\\d{0,128}")) {
                startingSequence.setErrorMessage("A sequence number is a whole number, e.g. from the shard's range");
                startingSequence.setInvalid(true);
                return;
            }
            if (type == ShardIteratorType.AT_TIMESTAMP) {
                try {
                    timestamp = Instant.parse(startingTimestamp.getValue().trim());
                } catch (DateTimeParseException e) {
                    startingTimestamp.setErrorMessage("Use the form 2026-12-01T10:15:30Z");
                    startingTimestamp.setInvalid(true);
                    return;
                }
            }
            Integer limit = limit();
            if (limit == null) {
                return;
            }
            startingSequence.setInvalid(false);
            startingTimestamp.setInvalid(false);
            Instant at = timestamp;
            String from = shard.shardId();
            read("Read " + from + " from " + type,
                    () -> explorer.readShard(stream, from, type, sequence, at, limit), from, 1, " (" + type + ")");
        });
    }

    private void readNext() {
        Integer limit = limit();
        if (nextIterator == null || limit == null) {
            return;
        }
        String iterator = nextIterator;
        read("Read the next page of " + shardId, () -> explorer.readNext(iterator, limit), shardId, pages + 1, "");
    }

    private Integer limit() {
        Integer limit = readLimit.getValue();
        if (limit == null || limit < 1 || limit > 10_000) {
            readLimit.setErrorMessage("From 1 to 10000");
            readLimit.setInvalid(true);
            return null;
        }
        readLimit.setInvalid(false);
        return limit;
    }

    private void read(String what, Supplier<Attempted<ShardRead>> call, String shard, int page, String how) {
        boolean ok = calls.read(what, call, read -> {
            shardId = shard;
            pages = page;
            nextIterator = read.nextShardIterator();
            records.setItems(read.records());
            records.setVisible(!read.records().isEmpty());
            result.setText("Page " + page + ": " + read.records().size() + " record(s) from " + shard + how
                    + ". MillisBehindLatest: " + read.millisBehindLatest()
                    + (nextIterator == null
                    ? ". The shard is closed and read to its end; its children: " + children(read.childShards())
                    : (read.records().isEmpty() ? ". Nothing here yet: Next asks again from the same place."
                    : ". Next follows the NextShardIterator.")));
            next.setVisible(nextIterator != null);
        });
        if (!ok) {
            clear("The read failed; nothing is shown from earlier reads.");
        }
    }

    private void clear(String message) {
        nextIterator = null;
        pages = 0;
        records.setItems(List.of());
        records.setVisible(false);
        next.setVisible(false);
        result.setText(message);
    }

    private static String children(List<String> children) {
        return children.isEmpty() ? "none listed" : String.join(", ", children);
    }

    private static String preview(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, 200), StandardCharsets.UTF_8);
        return data.length > 200 ? text + "…" : text;
    }
}
