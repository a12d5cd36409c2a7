package memberstream.live.explorer.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.shared.Registration;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import memberstream.live.ShardRange;
import memberstream.live.explorer.ShardMapDrawing;
import memberstream.live.explorer.StreamExplorer;
import memberstream.live.ui.SinkCalls;

/**
 * One stream's shards: the shard map, the list, and the admin actions on them (split, merge, a new
 * shard count, a test record). Every action that changes the shards fires {@link ShardsChanged}, so
 * the view can refresh what else shows them (the stream list's open-shard count).
 */
final class ShardPanel extends VerticalLayout {

    private final transient StreamExplorer explorer;
    private final transient SinkCalls calls;

    private final H3 title = new H3();
    private final Svg shardMap = new Svg();
    private final Grid<ShardRange> shards = new Grid<>(ShardRange.class, false);
    private final IntegerField targetShards = new IntegerField("Target shard count");
    private final TextField partitionKey = new TextField("Partition key");
    private final TextArea testData = new TextArea("Data");
    private final Paragraph putResult = new Paragraph();

    private String stream;
    private BigInteger marker;
    private String markerLabel;

    ShardPanel(StreamExplorer explorer, SinkCalls calls, boolean admin, SecondaryColumns secondary) {
        this.explorer = explorer;
        this.calls = calls;
        setPadding(false);
        title.setId("stream-title");
        shardMap.setId("shard-map");
        shardMap.addClassName("chart");
        putResult.setId("put-result");
        configureGrid(secondary);
        Component reshard = reshardBar();
        Component put = putBar();
        reshard.setVisible(admin);
        put.setVisible(admin);
        add(title, shardMap, shards, reshard, put, putResult);
    }

    /** Shows {@code stream}, forgetting the marker of another stream's test record. */
    void show(String stream) {
        this.stream = stream;
        marker = null;
        markerLabel = null;
        title.setText("Stream " + stream);
        putResult.setText("");
        refresh();
    }

    void refresh() {
        calls.read("List shards of " + stream, () -> explorer.shards(stream), list -> {
            shards.setItems(list);
            long open = list.stream().filter(ShardRange::open).count();
            if (targetShards.isEmpty() || !targetShards.isInvalid()) {
                targetShards.setValue((int) open);
            }
            shardMap.setSvg(ShardMapDrawing.render(list, marker, markerLabel));
        });
    }

    /** The shard selected in the list; says so and is empty when none is (or it must be open and is not). */
    Optional<ShardRange> selected(boolean mustBeOpen) {
        ShardRange shard = shards.asSingleSelect().getValue();
        if (shard == null) {
            SinkCalls.error("Select a shard in the list first.");
            return Optional.empty();
        }
        if (mustBeOpen && !shard.open()) {
            SinkCalls.error(shard.shardId() + " is closed; only open shards can be split or merged.");
            return Optional.empty();
        }
        return Optional.of(shard);
    }

    Registration addShardsChangedListener(com.vaadin.flow.component.ComponentEventListener<ShardsChanged> listener) {
        return addListener(ShardsChanged.class, listener);
    }

    private void configureGrid(SecondaryColumns secondary) {
        shards.setId("shards");
        shards.addThemeVariants(GridVariant.LUMO_COMPACT);
        shards.addColumn(ShardRange::shardId).setHeader("Shard").setAutoWidth(true);
        shards.addColumn(s -> s.open() ? "open" : "closed").setHeader("State").setAutoWidth(true);
        secondary.add(shards.addColumn(ShardPanel::parents).setHeader("Parents").setAutoWidth(true));
        shards.addColumn(s -> String.format(Locale.ROOT, "%.1f %%", s.share() * 100)).setHeader("Key space")
                .setAutoWidth(true);
        secondary.add(shards.addColumn(s -> abbreviate(s.startingHashKey()) + " … " + abbreviate(s.endingHashKey()))
                .setHeader("Hash keys").setTooltipGenerator(s -> s.startingHashKey() + " … " + s.endingHashKey()));
        secondary.add(shards.addColumn(ShardPanel::sequenceRange).setHeader("Sequence range").setFlexGrow(3)
                .setTooltipGenerator(ShardPanel::sequenceRange));
        shards.setAllRowsVisible(true);
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
        return bar(split, merge, targetShards, update);
    }

    private Component putBar() {
        partitionKey.setId("partition-key");
        partitionKey.setValue("member-42");
        partitionKey.setMaxLength(256);
        testData.setId("test-data");
        testData.setValue("{\"test\":true}");
        testData.setWidth("min(24em, 100%)");
        Button put = new Button("Put test record", e -> putTestRecord());
        put.setId("put-record");
        return bar(partitionKey, testData, put);
    }

    private static FlexLayout bar(Component... parts) {
        FlexLayout bar = new FlexLayout(parts);
        bar.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        bar.getStyle().set("gap", "var(--lumo-space-m)");
        return bar;
    }

    private void splitSelected() {
        String name = stream;
        selected(true).ifPresent(shard -> confirm("Split " + shard.shardId() + "?",
                shard.shardId() + " of " + name + " will be closed for good and two new shards will share its "
                        + "hash-key range, split at the middle. Its records stay readable until they pass retention.",
                "Split", () -> changed(calls.call("Split " + shard.shardId(), () -> explorer.splitShard(name, shard),
                        done -> { }, shard.shardId() + " is being split in two at the middle of its hash-key range"))));
    }

    private void mergeSelected() {
        selected(true).ifPresent(shard -> {
            List<ShardRange> all = shards.getListDataView().getItems().toList();
            Optional<ShardRange> neighbour = all.stream().filter(ShardRange::open)
                    .filter(s -> s.startingHashKey().equals(shard.endingHashKey().add(BigInteger.ONE))
                            || s.endingHashKey().add(BigInteger.ONE).equals(shard.startingHashKey()))
                    .findFirst();
            if (neighbour.isEmpty()) {
                SinkCalls.error(shard.shardId() + " has no open shard next to it in the hash-key space.");
                return;
            }
            ShardRange other = neighbour.get();
            String name = stream;
            confirm("Merge " + shard.shardId() + " with " + other.shardId() + "?",
                    shard.shardId() + " and " + other.shardId() + " of " + name + " will be closed for good and one "
                            + "new shard will cover both hash-key ranges. Their records stay readable until they pass retention.",
                    "Merge", () -> changed(calls.call("Merge " + shard.shardId() + " with " + other.shardId(),
                            () -> explorer.mergeShards(name, shard.shardId(), other.shardId()), done -> { },
                            shard.shardId() + " and " + other.shardId() + " are being merged")));
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
        String name = stream;
        confirm("Change the shard count of " + name + " to " + target + "?",
                "Shards of " + name + " will be split or merged until " + target + " open shards share the hash-key "
                        + "space evenly; every shard that changes is closed for good. Closed shards stay readable until "
                        + "their records pass retention.",
                "Change shard count", () -> changed(calls.call("Change shard count of " + name + " to " + target,
                        () -> explorer.updateShardCount(name, target), accepted -> { },
                        "Resharding " + name + " to " + target + " open shards")));
    }

    private void putTestRecord() {
        String key = partitionKey.getValue();
        if (key == null || key.isEmpty() || key.length() > 256) {
            partitionKey.setErrorMessage("A partition key has 1 to 256 characters");
            partitionKey.setInvalid(true);
            return;
        }
        partitionKey.setInvalid(false);
        calls.call("Put a test record with key " + key, () -> explorer.putTestRecord(stream, key, testData.getValue()),
                outcome -> {
                    putResult.setText("Went to " + outcome.shardId() + " as sequence number " + outcome.sequenceNumber()
                            + ". Why: " + outcome.explanation());
                    marker = outcome.hashKey();
                    markerLabel = "\"" + key + "\" → " + outcome.shardId();
                    refresh();
                }, "Put a test record in " + stream);
    }

    private void changed(boolean succeeded) {
        refresh();
        if (succeeded) {
            fireEvent(new ShardsChanged(this));
        }
    }

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

    private static String parents(ShardRange shard) {
        if (shard.parentShardId() == null) {
            return "–";
        }
        return shard.adjacentParentShardId() == null ? shard.parentShardId()
                : shard.parentShardId() + " + " + shard.adjacentParentShardId();
    }

    private static String sequenceRange(ShardRange s) {
        return (s.startingSequenceNumber() == null ? "–" : s.startingSequenceNumber()) + " … "
                + (s.open() ? "(open)" : s.endingSequenceNumber());
    }

    private static String abbreviate(BigInteger key) {
        String digits = key.toString();
        return digits.length() <= 12 ? digits : digits.substring(0, 5) + "…" + digits.substring(digits.length() - 4)
                + " (" + digits.length() + " digits)";
    }

    /** The shards of the shown stream changed (split, merge, new count). */
    static final class ShardsChanged extends ComponentEvent<ShardPanel> {
        ShardsChanged(ShardPanel source) {
            super(source, false);
        }
    }
}
