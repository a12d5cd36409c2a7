package memberstream.live.explorer.ui;

import memberstream.live.ui.Formats;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.OptionalParameter;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import memberstream.live.Attempted;
import memberstream.live.AwsErrors;
import memberstream.live.ShardRange;
import memberstream.live.explorer.ShardMapDrawing;
import memberstream.live.explorer.StreamExplorer;

/**
 * Kinesis streams as the SDK sees them: status, mode, retention and shards, the shard map, and the
 * admin actions (create, split, merge, change the shard count, put a test record). Any user may read a
 * shard. The selected stream is in the URL ({@code /streams/<name>}). Every call's throttled attempts
 * and the retries that followed are written to the activity list. Resharding closes shards for good,
 * so split, merge and a new shard count are confirmed first.
 */
@Route(value = "streams", layout = MainLayout.class)
@PageTitle("Streams | Memberstream")
@Menu(order = MenuOrder.STREAMS, title = "Streams", icon = "vaadin:split")
@PermitAll
public class StreamExplorerView extends VerticalLayout implements HasUrlParameter<String> {

    private static final int ACTIVITY_LINES = 12;

    private final transient StreamExplorer explorer;
    private final transient AuthenticationContext authentication;
    private final transient Clock clock;

    private final Grid<StreamExplorer.StreamRow> streams = new Grid<>(StreamExplorer.StreamRow.class, false);
    private final Grid<ShardRange> shards = new Grid<>(ShardRange.class, false);
    private final Grid<Record> readRecords = new Grid<>(Record.class, false);
    private final Svg shardMap = new Svg();
    private final H3 streamTitle = new H3();
    private final VerticalLayout details = new VerticalLayout();
    private final Div activity = new Div();
    private final Paragraph putResult = new Paragraph();
    private final Paragraph readResult = new Paragraph();

    private final TextField newName = new TextField("Stream name");
    private final ComboBox<String> newMode = new ComboBox<>("Capacity mode", "PROVISIONED", "ON_DEMAND");
    private final IntegerField newShards = new IntegerField("Shards");
    private final IntegerField targetShards = new IntegerField("Target shard count");
    private final TextField partitionKey = new TextField("Partition key");
    private final TextArea testData = new TextArea("Data");
    private final ComboBox<ShardIteratorType> iteratorType = new ComboBox<>("Iterator type");
    private final TextField startingSequence = new TextField("Sequence number");
    private final TextField startingTimestamp = new TextField("Timestamp (ISO-8601, UTC)");
    private final IntegerField readLimit = new IntegerField("Limit");

    private String selectedStream;
    private BigInteger marker;
    private String markerLabel;

    public StreamExplorerView(StreamExplorer explorer, AuthenticationContext authentication, Clock clock) {
        this.explorer = explorer;
        this.authentication = authentication;
        this.clock = clock;
        addClassName("stream-explorer");
        configureStreamGrid();
        configureShardGrid();
        configureReadGrid();
        configureDetails();
        activity.setId("activity");
        activity.addClassName("activity");
        add(new H2("Streams"), createStreamBar(), streams, details, new H3("Activity"), activity);
        refreshStreams();
    }

    @Override
    public void setParameter(BeforeEvent event, @OptionalParameter String stream) {
        if (stream != null && !stream.isBlank()) {
            selectStream(stream);
        }
    }

    private boolean admin() {
        return authentication.hasRole("ADMIN");
    }

    private Component createStreamBar() {
        newName.setId("new-stream-name");
        newName.setRequired(true);
        newName.setPattern("[a-zA-Z0-9_.-]{1,128}");
        newName.setErrorMessage("1-128 letters, digits, '_', '.' or '-'");
        newMode.setValue("PROVISIONED");
        newShards.setValue(2);
        newShards.setMin(1);
        newShards.setStepButtonsVisible(true);
        newMode.addValueChangeListener(e -> newShards.setEnabled("PROVISIONED".equals(e.getValue())));
        Button create = new Button("Create stream", e -> createStream());
        create.setId("create-stream");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button refresh = new Button("Refresh", e -> {
            refreshStreams();
            if (selectedStream != null) {
                refreshShards();
            }
        });
        refresh.setId("refresh");
        HorizontalLayout bar = new HorizontalLayout(newName, newMode, newShards, create, refresh);
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        newName.setVisible(admin());
        newMode.setVisible(admin());
        newShards.setVisible(admin());
        create.setVisible(admin());
        return bar;
    }

    private void configureStreamGrid() {
        streams.setId("streams");
        streams.addThemeVariants(GridVariant.LUMO_COMPACT);
        streams.addColumn(StreamExplorer.StreamRow::name).setHeader("Stream").setFlexGrow(2);
        streams.addColumn(StreamExplorer.StreamRow::status).setHeader("Status");
        streams.addColumn(StreamExplorer.StreamRow::mode).setHeader("Mode");
        streams.addColumn(r -> r.retentionHours() + " h").setHeader("Retention");
        streams.addColumn(StreamExplorer.StreamRow::openShards).setHeader("Open shards");
        streams.addColumn(r -> r.created() == null ? "" : Formats.TIME.format(r.created())).setHeader("Created (UTC)");
        streams.setAllRowsVisible(true);
        streams.setEmptyStateText("No Kinesis streams at this endpoint.");
        streams.asSingleSelect().addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                getUI().ifPresent(ui -> ui.navigate(StreamExplorerView.class, e.getValue().name()));
            }
        });
    }

    private void configureShardGrid() {
        shards.setId("shards");
        shards.addThemeVariants(GridVariant.LUMO_COMPACT);
        shards.addColumn(ShardRange::shardId).setHeader("Shard").setAutoWidth(true);
        shards.addColumn(s -> s.open() ? "open" : "closed").setHeader("State").setAutoWidth(true);
        shards.addColumn(s -> parents(s)).setHeader("Parents").setAutoWidth(true);
        shards.addColumn(s -> String.format(java.util.Locale.ROOT, "%.1f %%", s.share() * 100)).setHeader("Key space")
                .setAutoWidth(true);
        shards.addColumn(s -> abbreviate(s.startingHashKey()) + " … " + abbreviate(s.endingHashKey()))
                .setHeader("Hash keys").setTooltipGenerator(s -> s.startingHashKey() + " … " + s.endingHashKey());
        shards.addColumn(s -> nullToDash(s.startingSequenceNumber()) + " … " + (s.open() ? "(open)" : s.endingSequenceNumber()))
                .setHeader("Sequence range").setFlexGrow(3)
                .setTooltipGenerator(s -> nullToDash(s.startingSequenceNumber()) + " … "
                        + (s.open() ? "(open)" : s.endingSequenceNumber()));
        shards.setAllRowsVisible(true);
    }

    private void configureReadGrid() {
        readRecords.setId("read-records");
        readRecords.addThemeVariants(GridVariant.LUMO_COMPACT);
        readRecords.addColumn(Record::sequenceNumber).setHeader("Sequence number").setFlexGrow(3);
        readRecords.addColumn(Record::partitionKey).setHeader("Partition key");
        readRecords.addColumn(r -> r.approximateArrivalTimestamp() == null ? ""
                : Formats.TIME.format(r.approximateArrivalTimestamp())).setHeader("Arrived (UTC)");
        readRecords.addColumn(r -> preview(r.data().asByteArray())).setHeader("Data").setFlexGrow(5);
        readRecords.setAllRowsVisible(true);
        readRecords.setVisible(false);
    }

    private void configureDetails() {
        shardMap.setId("shard-map");
        shardMap.addClassName("chart");
        streamTitle.setId("stream-title");
        details.setPadding(false);
        details.add(streamTitle, shardMap, shards);
        details.add(reshardBar(), putBar(), putResult, readBar(), readResult, readRecords);
        putResult.setId("put-result");
        readResult.setId("read-result");
        details.setVisible(false);
    }

    private Component reshardBar() {
        Button split = new Button("Split selected shard", e -> splitSelected());
        split.setId("split-shard");
        Button merge = new Button("Merge with adjacent", e -> mergeSelected());
        merge.setId("merge-shards");
        targetShards.setMin(1);
        targetShards.setStepButtonsVisible(true);
        targetShards.setId("target-shards");
        Button update = new Button("Change shard count", e -> updateShardCount());
        update.setId("update-shard-count");
        HorizontalLayout bar = new HorizontalLayout(split, merge, targetShards, update);
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        bar.setVisible(admin());
        return bar;
    }

    private Component putBar() {
        partitionKey.setId("partition-key");
        partitionKey.setValue("member-42");
        testData.setId("test-data");
        testData.setValue("{\"test\":true}");
        testData.setWidth("24em");
        Button put = new Button("Put test record", e -> putTestRecord());
        put.setId("put-record");
        HorizontalLayout bar = new HorizontalLayout(partitionKey, testData, put);
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        bar.setVisible(admin());
        return bar;
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
        Button read = new Button("Read selected shard", e -> readSelected());
        read.setId("read-shard");
        showIteratorInputs();
        HorizontalLayout bar = new HorizontalLayout(iteratorType, startingSequence, startingTimestamp, readLimit, read);
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        return bar;
    }

    private void showIteratorInputs() {
        ShardIteratorType type = iteratorType.getValue();
        startingSequence.setVisible(type == ShardIteratorType.AT_SEQUENCE_NUMBER || type == ShardIteratorType.AFTER_SEQUENCE_NUMBER);
        startingTimestamp.setVisible(type == ShardIteratorType.AT_TIMESTAMP);
        if (type == ShardIteratorType.AT_TIMESTAMP && startingTimestamp.isEmpty()) {
            startingTimestamp.setValue(clock.instant().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        }
    }

    // --- actions -----------------------------------------------------------------------------

    private void refreshStreams() {
        call("List streams", explorer::streams, rows -> {
            streams.setItems(rows);
            rows.stream().filter(r -> r.name().equals(selectedStream)).findFirst().ifPresent(streams::select);
        });
    }

    void selectStream(String name) {
        selectedStream = name;
        marker = null;
        details.setVisible(true);
        streamTitle.setText("Stream " + name);
        readRecords.setVisible(false);
        readResult.setText("");
        putResult.setText("");
        refreshStreams();
        refreshShards();
    }

    private void refreshShards() {
        call("List shards of " + selectedStream, () -> explorer.shards(selectedStream), list -> {
            shards.setItems(list);
            long open = list.stream().filter(ShardRange::open).count();
            if (targetShards.isEmpty() || !targetShards.isInvalid()) {
                targetShards.setValue((int) open);
            }
            shardMap.setSvg(ShardMapDrawing.render(list, marker, markerLabel));
        });
    }

    private void createStream() {
        if (newName.isEmpty() || newName.isInvalid()) {
            newName.setInvalid(true);
            return;
        }
        boolean onDemand = "ON_DEMAND".equals(newMode.getValue());
        if (!onDemand && (newShards.getValue() == null || newShards.getValue() < 1)) {
            newShards.setErrorMessage("At least one shard");
            newShards.setInvalid(true);
            return;
        }
        String name = newName.getValue().trim();
        call("Create stream " + name, () -> explorer.createStream(name, onDemand ? null : newShards.getValue()),
                done -> {
                    success("Stream " + name + " is being created");
                    newName.clear();
                    getUI().ifPresentOrElse(ui -> ui.navigate(StreamExplorerView.class, name), () -> selectStream(name));
                });
    }

    private Optional<ShardRange> selectedShard(boolean mustBeOpen) {
        ShardRange shard = shards.asSingleSelect().getValue();
        if (shard == null) {
            error("Select a shard in the list first.");
            return Optional.empty();
        }
        if (mustBeOpen && !shard.open()) {
            error(shard.shardId() + " is closed; only open shards can be split or merged.");
            return Optional.empty();
        }
        return Optional.of(shard);
    }

    private void splitSelected() {
        String stream = selectedStream;
        selectedShard(true).ifPresent(shard -> confirm("Split " + shard.shardId() + "?",
                shard.shardId() + " of " + stream + " will be closed for good and two new shards will share its "
                        + "hash-key range, split at the middle. Its records stay readable until they pass retention.",
                "Split", () -> call("Split " + shard.shardId(), () -> explorer.splitShard(stream, shard), done -> {
                    success(shard.shardId() + " is being split in two at the middle of its hash-key range");
                    refreshShards();
                })));
    }

    private void mergeSelected() {
        selectedShard(true).ifPresent(shard -> {
            List<ShardRange> all = shards.getListDataView().getItems().toList();
            Optional<ShardRange> neighbour = all.stream().filter(ShardRange::open)
                    .filter(s -> s.startingHashKey().equals(shard.endingHashKey().add(BigInteger.ONE))
                            || s.endingHashKey().add(BigInteger.ONE).equals(shard.startingHashKey()))
                    .findFirst();
            if (neighbour.isEmpty()) {
                error(shard.shardId() + " has no open shard next to it in the hash-key space.");
                return;
            }
            ShardRange other = neighbour.get();
            String stream = selectedStream;
            confirm("Merge " + shard.shardId() + " with " + other.shardId() + "?",
                    shard.shardId() + " and " + other.shardId() + " of " + stream + " will be closed for good and one "
                            + "new shard will cover both hash-key ranges. Their records stay readable until they pass retention.",
                    "Merge", () -> call("Merge " + shard.shardId() + " with " + other.shardId(),
                            () -> explorer.mergeShards(stream, shard.shardId(), other.shardId()), done -> {
                        success(shard.shardId() + " and " + other.shardId() + " are being merged");
                        refreshShards();
                    }));
        });
    }

    private void updateShardCount() {
        Integer target = targetShards.getValue();
        if (target == null || target < 1) {
            targetShards.setErrorMessage("At least one shard");
            targetShards.setInvalid(true);
            return;
        }
        targetShards.setInvalid(false);
        String stream = selectedStream;
        confirm("Change the shard count of " + stream + " to " + target + "?",
                "Shards of " + stream + " will be split or merged until " + target + " open shards share the hash-key "
                        + "space evenly; every shard that changes is closed for good. Closed shards stay readable until "
                        + "their records pass retention.",
                "Change shard count", () -> call("Change shard count of " + stream + " to " + target,
                        () -> explorer.updateShardCount(stream, target), accepted -> {
                    success("Resharding " + stream + " to " + accepted + " open shards");
                    refreshShards();
                }));
    }

    private void putTestRecord() {
        String key = partitionKey.getValue();
        if (key == null || key.isEmpty() || key.length() > 256) {
            partitionKey.setErrorMessage("A partition key has 1 to 256 characters");
            partitionKey.setInvalid(true);
            return;
        }
        partitionKey.setInvalid(false);
        call("Put a test record with key " + key, () -> explorer.putTestRecord(selectedStream, key, testData.getValue()),
                outcome -> {
                    putResult.setText("Went to " + outcome.shardId() + " as sequence number " + outcome.sequenceNumber()
                            + ". Why: " + outcome.explanation());
                    marker = outcome.hashKey();
                    markerLabel = "\"" + key + "\" → " + outcome.shardId();
                    refreshShards();
                });
    }

    private void readSelected() {
        selectedShard(false).ifPresent(shard -> {
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
            Integer limit = readLimit.getValue();
            if (limit == null || limit < 1 || limit > 10_000) {
                readLimit.setErrorMessage("From 1 to 10000");
                readLimit.setInvalid(true);
                return;
            }
            startingSequence.setInvalid(false);
            startingTimestamp.setInvalid(false);
            readLimit.setInvalid(false);
            Instant at = timestamp;
            call("Read " + shard.shardId() + " from " + type,
                    () -> explorer.readShard(selectedStream, shard.shardId(), type, sequence, at, limit),
                    read -> {
                        readRecords.setItems(read.records());
                        readRecords.setVisible(true);
                        readResult.setText(read.records().size() + " record(s) from " + shard.shardId() + " ("
                                + type + "). MillisBehindLatest: " + read.millisBehindLatest()
                                + (read.nextShardIterator() == null
                                ? ". The shard is closed and read to its end; children: " + read.childShards()
                                : ". More can be read with the next iterator."));
                    });
        });
    }

    // --- plumbing ---------------------------------------------------------------------------

    /** Asks before a change that cannot be undone; {@code action} runs only on confirm. */
    private static void confirm(String header, String text, String confirmText, Runnable action) {
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setId("confirm-reshard");
        dialog.setHeader(header);
        dialog.setText(text);
        dialog.setCancelable(true);
        dialog.setConfirmText(confirmText);
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(confirmed -> action.run());
        dialog.open();
    }

    /**
     * Runs one explorer call, logging it and its throttled attempts, and hands its value (null for
     * calls without one) to {@code then}; an error becomes a notification and {@code then} is skipped.
     */
    private <T> void call(String what, Supplier<Attempted<T>> action, Consumer<T> then) {
        try {
            Attempted<T> result = action.get();
            log(what + ": done" + (result.throttled() ? " after " + result.retries().size() + " throttled attempt(s)" : ""),
                    result.retries());
            if (result.throttled()) {
                Notification n = Notification.show(what + " was throttled " + result.retries().size()
                        + " time(s) and succeeded on retry.", 5000, Notification.Position.BOTTOM_START);
                n.addThemeVariants(NotificationVariant.LUMO_WARNING);
            }
            then.accept(result.value());
        } catch (RuntimeException e) {
            String message = AwsErrors.describe(e);
            List<String> retries = e instanceof Attempted.ThrottledException t ? t.retries() : List.of();
            log(what + ": failed: " + message, retries);
            error(what + " failed. " + message);
        }
    }

    private void log(String line, List<String> retries) {
        Div entry = new Div();
        entry.addClassName("activity-entry");
        entry.add(new Div(Formats.TIME.format(clock.instant()) + "  " + line));
        for (String retry : retries) {
            Div r = new Div("  ↻ " + retry);
            r.addClassName("activity-retry");
            entry.add(r);
        }
        activity.addComponentAsFirst(entry);
        while (activity.getComponentCount() > ACTIVITY_LINES) {
            activity.remove(activity.getComponentAt(activity.getComponentCount() - 1));
        }
    }

    private static void success(String message) {
        Notification.show(message, 4000, Notification.Position.BOTTOM_START).addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }

    private static void error(String message) {
        Notification.show(message, 8000, Notification.Position.MIDDLE).addThemeVariants(NotificationVariant.LUMO_ERROR);
    }

    private static String parents(ShardRange shard) {
        if (shard.parentShardId() == null) {
            return "–";
        }
        return shard.adjacentParentShardId() == null ? shard.parentShardId()
                : shard.parentShardId() + " + " + shard.adjacentParentShardId();
    }

    private static String abbreviate(BigInteger key) {
        String digits = key.toString();
        return digits.length() <= 12 ? digits : digits.substring(0, 5) + "…" + digits.substring(digits.length() - 4)
                + " (" + digits.length() + " digits)";
    }

    private static String nullToDash(String s) {
        return s == null ? "–" : s;
    }

    private static String preview(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, 600), StandardCharsets.UTF_8);
        return data.length > 600 ? text + "…" : text;
    }
}
