package memberstream.live.explorer.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.Eventually;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import memberstream.live.HashKeys;
import memberstream.live.ShardRange;
import memberstream.live.explorer.StreamExplorer;

class StreamExplorerViewTest extends AbstractViewTest {

    @Autowired
    StreamExplorer explorer;

    private final String stream = "explorer-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void adminCreatesAStreamPutsARecordSeesWhereItWentSplitsAShardAndReadsIt() {
        loginAsAdmin();
        UI.getCurrent().navigate(StreamExplorerView.class);

        _setValue(_get(TextField.class, spec -> spec.withId("new-stream-name")), stream);
        _setValue(_get(IntegerField.class, spec -> spec.withLabel("Shards")), 2);
        _click(_get(Button.class, spec -> spec.withId("create-stream")));
        awaitActive();
        _click(_get(Button.class, spec -> spec.withId("refresh")));

        assertThat(UI.getCurrent().getInternals().getActiveViewLocation().getPath()).isEqualTo("streams/" + stream);
        assertThat(shardGrid().getGenericDataView().getItems()).hasSize(2);
        assertThat(svg()).contains("2 open, 0 closed");
        assertThat(streamsGrid().getGenericDataView().getItems().filter(r -> r.name().equals(stream)))
                .singleElement().satisfies(row -> {
                    assertThat(row.status()).isEqualTo("ACTIVE");
                    assertThat(row.openShards()).isEqualTo(2);
                    assertThat(row.retentionHours()).isEqualTo(24);
                });

        // a test record goes to the shard whose hash-key range holds MD5(partition key)
        _setValue(_get(TextField.class, spec -> spec.withId("partition-key")), "member-7");
        _click(_get(Button.class, spec -> spec.withId("put-record")));
        ShardRange expected = shardGrid().getGenericDataView().getItems()
                .filter(s -> s.covers(HashKeys.of("member-7"))).findFirst().orElseThrow();
        assertThat(_get(Paragraph.class, spec -> spec.withId("put-result")).getText())
                .startsWith("Went to " + expected.shardId() + " as sequence number ")
                .contains("MD5(\"member-7\")").contains("inside " + expected.shardId());
        assertThat(svg()).contains("&quot;member-7&quot; → " + expected.shardId());

        // split that shard: it closes, two children share its range
        shardGrid().select(expected);
        _click(_get(Button.class, spec -> spec.withId("split-shard")));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        awaitActive();
        _click(_get(Button.class, spec -> spec.withId("refresh")));
        List<ShardRange> shards = shardGrid().getGenericDataView().getItems().toList();
        assertThat(shards).hasSize(4);
        assertThat(shards.stream().filter(s -> expected.shardId().equals(s.parentShardId()))).hasSize(2);
        assertThat(svg()).contains("3 open, 1 closed");

        // read the closed parent from the start: the record is there, and the shard's end says so
        ShardRange parent = shards.stream().filter(s -> s.shardId().equals(expected.shardId())).findFirst().orElseThrow();
        shardGrid().select(parent);
        _setValue(_get(ComboBox.class, spec -> spec.withId("iterator-type")), ShardIteratorType.TRIM_HORIZON);
        _click(_get(Button.class, spec -> spec.withId("read-shard")));
        @SuppressWarnings("unchecked")
        Grid<Record> read = _get(Grid.class, spec -> spec.withId("read-records"));
        assertThat(read.getGenericDataView().getItems()).singleElement()
                .satisfies(r -> assertThat(r.partitionKey()).isEqualTo("member-7"));
        assertThat(_get(Paragraph.class, spec -> spec.withId("read-result")).getText())
                .contains("1 record(s)").contains("closed and read to its end");
    }

    @Test
    void adminMergesTwoShardsThenChangesTheShardCount() {
        loginAsAdmin();
        explorer.createStream(stream, 2);
        awaitActive();
        UI.getCurrent().navigate(StreamExplorerView.class, stream);

        shardGrid().select(shardGrid().getGenericDataView().getItems().findFirst().orElseThrow());
        _click(_get(Button.class, spec -> spec.withId("merge-shards")));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        awaitActive();
        _click(_get(Button.class, spec -> spec.withId("refresh")));
        List<ShardRange> merged = shardGrid().getGenericDataView().getItems().toList();
        assertThat(merged).filteredOn(ShardRange::open).singleElement().satisfies(child -> {
            assertThat(child.parentShardId()).isNotNull();
            assertThat(child.adjacentParentShardId()).isNotNull();
            assertThat(child.share()).isEqualTo(1.0);
        });
        assertThat(svg()).contains("1 open, 2 closed");

        _setValue(_get(IntegerField.class, spec -> spec.withId("target-shards")), 2);
        _click(_get(Button.class, spec -> spec.withId("update-shard-count")));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        awaitActive();
        _click(_get(Button.class, spec -> spec.withId("refresh")));
        assertThat(shardGrid().getGenericDataView().getItems().filter(ShardRange::open)).hasSize(2);
        assertThat(_get(Div.class, spec -> spec.withId("activity")).getElement().getTextRecursively())
                .contains("Change shard count of " + stream + " to 2: done");
    }

    @Test
    void throttledReadsShowUpWithTheRetryThatFollowed() {
        loginAsAdmin();
        explorer.createStream(stream, 1);
        awaitActive();
        UI.getCurrent().navigate(StreamExplorerView.class, stream);
        shardGrid().select(shardGrid().getGenericDataView().getItems().findFirst().orElseThrow());

        // the engine allows 5 GetRecords a second per shard, as AWS does
        for (int i = 0; i < 12; i++) {
            _click(_get(Button.class, spec -> spec.withId("read-shard")));
        }

        String activity = _get(Div.class, spec -> spec.withId("activity")).getElement().getTextRecursively();
        assertThat(activity).contains("throttled attempt(s)")
                .contains("throttled (ProvisionedThroughputExceededException); retried after 100 ms");
    }

    @Test
    void badInputIsAFieldErrorAndAnAwsErrorIsAPlainMessage() {
        loginAsAdmin();
        explorer.createStream(stream, 1);
        awaitActive();
        UI.getCurrent().navigate(StreamExplorerView.class, stream);
        shardGrid().select(shardGrid().getGenericDataView().getItems().findFirst().orElseThrow());

        _setValue(_get(ComboBox.class, spec -> spec.withId("iterator-type")), ShardIteratorType.AT_SEQUENCE_NUMBER);
        _setValue(_get(TextField.class, spec -> spec.withId("starting-sequence")), "not-a-number");
        _click(_get(Button.class, spec -> spec.withId("read-shard")));
        assertThat(_get(TextField.class, spec -> spec.withId("starting-sequence")).isInvalid()).isTrue();

        // the same stream name again: Kinesis says it is in use, the user reads that
        _setValue(_get(TextField.class, spec -> spec.withId("new-stream-name")), stream);
        _click(_get(Button.class, spec -> spec.withId("create-stream")));
        assertThat(NotificationsKt.getNotifications()).anySatisfy(n ->
                assertThat(n.getElement().getProperty("text")).contains("Create stream " + stream + " failed.")
                        .contains("ResourceInUseException"));
    }

    @Test
    void reshardingAsksFirstAndCancelLeavesTheShardsAsTheyAre() {
        loginAsAdmin();
        explorer.createStream(stream, 2);
        awaitActive();
        UI.getCurrent().navigate(StreamExplorerView.class, stream);
        ShardRange first = shardGrid().getGenericDataView().getItems().findFirst().orElseThrow();

        shardGrid().select(first);
        _click(_get(Button.class, spec -> spec.withId("split-shard")));
        ConfirmDialog split = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt.getHeader(split)).isEqualTo("Split " + first.shardId() + "?");
        assertThat(ConfirmDialogKt.getText(split)).contains("closed for good");
        ConfirmDialogKt._fireCancel(split);

        shardGrid().select(first);
        _click(_get(Button.class, spec -> spec.withId("merge-shards")));
        ConfirmDialog merge = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt.getHeader(merge)).startsWith("Merge " + first.shardId() + " with ");
        ConfirmDialogKt._fireCancel(merge);

        _setValue(_get(IntegerField.class, spec -> spec.withId("target-shards")), 4);
        _click(_get(Button.class, spec -> spec.withId("update-shard-count")));
        ConfirmDialog count = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt.getHeader(count)).isEqualTo("Change the shard count of " + stream + " to 4?");
        ConfirmDialogKt._fireCancel(count);

        List<ShardRange> after = explorer.shards(stream).value();
        assertThat(after).hasSize(2).allSatisfy(s -> assertThat(s.open()).isTrue());
        assertThat(_get(Div.class, spec -> spec.withId("activity")).getElement().getTextRecursively())
                .doesNotContain("Split ").doesNotContain("Merge ").doesNotContain("Change shard count");
    }

    @Test
    void theServiceRefusesAViewersWritesEvenWithoutTheView() {
        loginAsAdmin();
        explorer.createStream(stream, 2);
        awaitActive();
        ShardRange first = explorer.shards(stream).value().get(0);

        loginAsViewer();
        assertThatThrownBy(() -> explorer.createStream(stream + "-by-viewer", 1)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> explorer.splitShard(stream, first)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> explorer.mergeShards(stream, "shardId-000000000000", "shardId-000000000001"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> explorer.updateShardCount(stream, 4)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> explorer.putTestRecord(stream, "k", "data")).isInstanceOf(AccessDeniedException.class);

        // reading stays open to viewers, and nothing changed
        assertThat(explorer.streams().value()).extracting(StreamExplorer.StreamRow::name)
                .contains(stream).doesNotContain(stream + "-by-viewer");
        assertThat(explorer.shards(stream).value()).hasSize(2).allSatisfy(s -> assertThat(s.open()).isTrue());
        assertThat(explorer.readShard(stream, first.shardId(), ShardIteratorType.TRIM_HORIZON, null, null, 10)
                .value().records()).isEmpty();
    }

    @Test
    void viewerSeesStreamsButNoAdminActions() {
        loginAsViewer();
        UI.getCurrent().navigate(StreamExplorerView.class);

        _assertNone(Button.class, spec -> spec.withId("create-stream"));
        _assertNone(Button.class, spec -> spec.withId("split-shard"));
        _get(Grid.class, spec -> spec.withId("streams"));
    }

    @Test
    void aRecordOpensWholeNextFollowsTheIteratorAndAFailedReadClearsTheLast() {
        loginAsAdmin();
        explorer.createStream(stream, 1);
        awaitActive();
        for (int i = 0; i < 3; i++) {
            explorer.putTestRecord(stream, "member-" + i, "{\"n\":" + i + ",\"name\":\"Ada\"}");
        }
        UI.getCurrent().navigate(StreamExplorerView.class, stream);
        shardGrid().select(shardGrid().getGenericDataView().getItems().findFirst().orElseThrow());
        _setValue(_get(IntegerField.class, spec -> spec.withId("read-limit")), 2);
        _click(_get(Button.class, spec -> spec.withId("read-shard")));
        @SuppressWarnings("unchecked")
        Grid<Record> read = _get(Grid.class, spec -> spec.withId("read-records"));
        assertThat(read.getGenericDataView().getItems()).hasSize(2);
        assertThat(_get(Paragraph.class, spec -> spec.withId("read-result")).getText()).startsWith("Page 1: 2 record(s)");

        _click(_get(Button.class, spec -> spec.withId("read-next")));
        assertThat(read.getGenericDataView().getItems()).singleElement()
                .satisfies(r -> assertThat(r.partitionKey()).isEqualTo("member-2"));
        assertThat(_get(Paragraph.class, spec -> spec.withId("read-result")).getText()).startsWith("Page 2: 1 record(s)");

        _get(RecordReader.class).open(read.getGenericDataView().getItems().findFirst().orElseThrow());
        assertThat(_get(com.vaadin.flow.component.html.Pre.class, spec -> spec.withId("record-decoded")).getText())
                .contains("\"name\" : \"Ada\"");
        assertThat(_get(com.vaadin.flow.component.html.Pre.class, spec -> spec.withId("record-hex")).getText())
                .startsWith("00000000  7b 22 6e 22");
        _click(_get(Button.class, spec -> spec.withId("close-record-detail")));

        // a read that fails (a sequence number from no shard) leaves nothing of the earlier pages on screen
        _setValue(_get(ComboBox.class, spec -> spec.withId("iterator-type")), ShardIteratorType.AT_SEQUENCE_NUMBER);
        _setValue(_get(TextField.class, spec -> spec.withId("starting-sequence")), "1");
        _click(_get(Button.class, spec -> spec.withId("read-shard")));
        assertThat(read.isVisible()).isFalse();
        _assertNone(Button.class, spec -> spec.withId("read-next"));
        assertThat(_get(Paragraph.class, spec -> spec.withId("read-result")).getText()).contains("The read failed");
    }

    @Test
    void aSplitIsReportedAndTheStreamListShowsTheNewOpenShardCount() {
        loginAsAdmin();
        explorer.createStream(stream, 1);
        awaitActive();
        UI.getCurrent().navigate(StreamExplorerView.class, stream);
        shardGrid().select(shardGrid().getGenericDataView().getItems().findFirst().orElseThrow());
        _click(_get(Button.class, spec -> spec.withId("split-shard")));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        assertThat(NotificationsKt.getNotifications()).anySatisfy(n ->
                assertThat(n.getElement().getProperty("text")).contains("is being split in two"));
        awaitActive();
        // the view polls while the stream is UPDATING: one poll after it is ACTIVE shows the outcome
        com.vaadin.flow.component.ComponentUtil.fireEvent(UI.getCurrent(),
                new com.vaadin.flow.component.PollEvent(UI.getCurrent(), true));
        assertThat(streamsGrid().getGenericDataView().getItems().filter(r -> r.name().equals(stream)))
                .singleElement().satisfies(row -> assertThat(row.openShards()).isEqualTo(2));
        assertThat(svg()).contains("2 open, 1 closed");
        assertThat(UI.getCurrent().getPollInterval()).isEqualTo(-1);
    }

    private void awaitActive() {
        Eventually.within(Duration.ofSeconds(10), stream + " ACTIVE", () -> explorer.streams().value().stream()
                .anyMatch(r -> r.name().equals(stream) && r.status().equals("ACTIVE")));
    }

    private static String svg() {
        return _get(Svg.class, spec -> spec.withId("shard-map")).getElement().getProperty("innerHTML");
    }

    @SuppressWarnings("unchecked")
    private static Grid<ShardRange> shardGrid() {
        return _get(Grid.class, spec -> spec.withId("shards"));
    }

    @SuppressWarnings("unchecked")
    private static Grid<StreamExplorer.StreamRow> streamsGrid() {
        return _get(Grid.class, spec -> spec.withId("streams"));
    }
}
