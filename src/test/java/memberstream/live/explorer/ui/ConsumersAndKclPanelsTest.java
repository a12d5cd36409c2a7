package memberstream.live.explorer.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.Eventually;
import memberstream.aws.AwsClients;
import memberstream.live.explorer.ConsumerExplorer;
import memberstream.live.explorer.StreamExplorer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The consumers and KCL panels against the embedded engine: a consumer registered and deregistered from
 * the view, the subscriptions list available, and a lease table written as KCL writes it (PutItem) shown
 * with owner, checkpoint and lag, next to the metrics reported under the application's name.
 */
class ConsumersAndKclPanelsTest extends AbstractViewTest {

    @Autowired
    StreamExplorer explorer;

    @Autowired
    AwsClients clients;

    private final String stream = "readers-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void onAPhoneEveryGridOfTheExplorerDropsItsSecondaryColumns() {
        loginAsAdmin();
        createStream();
        UI.getCurrent().navigate(StreamExplorerView.class, stream);
        StreamExplorerView view = _get(StreamExplorerView.class);

        view.fitTo(390);
        assertThat(visibleHeaders("streams")).containsExactly("Stream", "Status", "Open shards");
        assertThat(visibleHeaders("shards")).containsExactly("Shard", "State", "Key space");
        assertThat(visibleHeaders("consumers")).containsExactly("Consumer", "Status");
        assertThat(visibleHeaders("subscriptions")).containsExactly("Consumer", "Shard", "Behind latest");
        assertThat(visibleHeaders("leases")).containsExactly("Lease (shard)", "Owner", "Lag (behind latest)");
        assertThat(visibleHeaders("kcl-metrics")).containsExactly("Metric", "Latest minute");
        assertThat(visibleHeaders("read-records")).containsExactly("Partition key", "Data (click a row for all of it)");

        view.fitTo(1440);
        assertThat(visibleHeaders("streams")).hasSize(6);
        assertThat(visibleHeaders("consumers")).contains("ARN", "Created (UTC)");
    }

    /** The grid's shown column headers; found among all descendants, as the reader's grid is hidden until a read. */
    private static java.util.List<String> visibleHeaders(String gridId) {
        Grid<?> grid = descendants(_get(StreamExplorerView.class)).filter(c -> gridId.equals(c.getId().orElse(null)))
                .map(c -> (Grid<?>) c).findFirst().orElseThrow();
        return grid.getColumns().stream().filter(Grid.Column::isVisible).map(Grid.Column::getHeaderText)
                .filter(header -> header != null && !header.isEmpty()).toList();
    }

    private static java.util.stream.Stream<com.vaadin.flow.component.Component> descendants(
            com.vaadin.flow.component.Component root) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(root),
                root.getChildren().flatMap(ConsumersAndKclPanelsTest::descendants));
    }

    @Test
    void adminRegistersAndDeregistersAConsumerAndSeesTheSubscriptionsList() {
        loginAsAdmin();
        createStream();
        UI.getCurrent().navigate(StreamExplorerView.class, stream);

        _setValue(_get(TextField.class, spec -> spec.withId("new-consumer-name")), "audit");
        _click(_get(Button.class, spec -> spec.withId("register-consumer")));
        assertThat(consumers().getGenericDataView().getItems()).singleElement().satisfies(row -> {
            assertThat(row.name()).isEqualTo("audit");
            assertThat(row.arn()).contains(":stream/" + stream + "/consumer/audit:");
            assertThat(row.status()).isIn("CREATING", "ACTIVE");
        });
        assertThat(subscriptions().isVisible()).isTrue();
        assertThat(subscriptions().getGenericDataView().getItems()).isEmpty();

        Eventually.within(Duration.ofSeconds(10), "audit ACTIVE", () -> {
            _click(_get(Button.class, spec -> spec.withId("refresh-consumers")));
            return consumers().getGenericDataView().getItems().allMatch(r -> r.status().equals("ACTIVE"));
        });
        _click((Button) GridKt._getCellComponent(consumers(), 0, "deregister"));
        assertThat(consumers().getGenericDataView().getItems())
                .allSatisfy(row -> assertThat(row.status()).isEqualTo("DELETING"));
    }

    @Test
    void aLeaseTableWrittenAsKclWritesItIsShownWithOwnerCheckpointLagAndMetrics() {
        loginAsAdmin();
        createStream();
        String first = clients.kinesis().putRecord(r -> r.streamName(stream).partitionKey("a").explicitHashKey("0")
                .data(SdkBytes.fromUtf8String("one"))).sequenceNumber();
        clients.kinesis().putRecord(r -> r.streamName(stream).partitionKey("a").explicitHashKey("0").data(SdkBytes.fromUtf8String("two")));
        String app = "app-" + stream;
        clients.dynamoDb().createTable(r -> r.tableName(app).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH)));
        clients.dynamoDb().putItem(r -> r.tableName(app).item(Map.of(
                "leaseKey", AttributeValue.fromS("shardId-000000000000"), "leaseOwner", AttributeValue.fromS("worker-1"),
                "checkpoint", AttributeValue.fromS(first), "checkpointSubSequenceNumber", AttributeValue.fromN("0"),
                "leaseCounter", AttributeValue.fromN("7"), "ownerSwitchesSinceCheckpoint", AttributeValue.fromN("0"))));
        clients.dynamoDb().putItem(r -> r.tableName(app).item(Map.of(
                "leaseKey", AttributeValue.fromS("shardId-000000000001"), "leaseOwner", AttributeValue.fromS("worker-2"),
                "checkpoint", AttributeValue.fromS("LATEST"), "leaseCounter", AttributeValue.fromN("2"))));
        clients.cloudWatch().putMetricData(r -> r.namespace(app).metricData(d -> d.metricName("RecordsProcessed").value(2.0)
                .timestamp(Instant.now()).dimensions(x -> x.name("ShardId").value("shardId-000000000000"))));
        Instant minute = Instant.now();
        for (double lag : new double[] {300.0, 100.0}) { // a lag reads as the minute's worst, not its sum
            clients.cloudWatch().putMetricData(r -> r.namespace(app).metricData(d -> d.metricName("MillisBehindLatest")
                    .value(lag).timestamp(minute).dimensions(x -> x.name("ShardId").value("shardId-000000000000"))));
        }

        UI.getCurrent().navigate(StreamExplorerView.class, stream);
        @SuppressWarnings("unchecked")
        ComboBox<String> table = _get(ComboBox.class, spec -> spec.withId("lease-table"));
        _click(_get(Button.class, spec -> spec.withId("find-lease-tables")));
        assertThat(table.getGenericDataView().getItems()).contains(app);
        _setValue(table, app);

        assertThat(leases().getGenericDataView().getItems().toList()).satisfiesExactly(
                lease -> {
                    assertThat(lease.leaseKey()).isEqualTo("shardId-000000000000");
                    assertThat(lease.owner()).isEqualTo("worker-1");
                    assertThat(lease.checkpoint()).isEqualTo(first);
                    assertThat(lease.counter()).isEqualTo(7L);
                    assertThat(lease.millisBehind()).isNotNull().isGreaterThanOrEqualTo(0L);
                },
                lease -> {
                    assertThat(lease.owner()).isEqualTo("worker-2");
                    assertThat(lease.millisBehind()).isZero();
                });
        assertThat(_get(TextField.class, spec -> spec.withId("metrics-namespace")).getValue()).isEqualTo(app);
        @SuppressWarnings("unchecked")
        Grid<ConsumerExplorer.MetricRow> metrics = _get(Grid.class, spec -> spec.withId("kcl-metrics"));
        assertThat(metrics.getGenericDataView().getItems().toList()).satisfiesExactly(
                lag -> {
                    assertThat(lag.name()).isEqualTo("MillisBehindLatest");
                    assertThat(lag.statistic()).isEqualTo("Maximum");
                    assertThat(lag.latest()).isEqualTo(300.0);
                },
                processed -> {
                    assertThat(processed.name()).isEqualTo("RecordsProcessed");
                    assertThat(processed.dimensions()).isEqualTo("ShardId=shardId-000000000000");
                    assertThat(processed.statistic()).isEqualTo("Sum");
                    assertThat(processed.latest()).isEqualTo(2.0);
                });
    }

    private void createStream() {
        explorer.createStream(stream, 2);
        Eventually.within(Duration.ofSeconds(10), stream + " ACTIVE", () -> explorer.streams().value().stream()
                .anyMatch(r -> r.name().equals(stream) && r.status().equals("ACTIVE")));
    }

    @SuppressWarnings("unchecked")
    private static Grid<ConsumerExplorer.ConsumerRow> consumers() {
        return _get(Grid.class, spec -> spec.withId("consumers"));
    }

    @SuppressWarnings("unchecked")
    private static Grid<ConsumerExplorer.SubscriptionRow> subscriptions() {
        return _get(Grid.class, spec -> spec.withId("subscriptions"));
    }

    @SuppressWarnings("unchecked")
    private static Grid<ConsumerExplorer.LeaseRow> leases() {
        return _get(Grid.class, spec -> spec.withId("leases"));
    }
}
