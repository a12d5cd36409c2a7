package memberstream.live.explorer.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Clock;
import java.util.Locale;
import memberstream.live.explorer.ConsumerExplorer;
import memberstream.live.ui.Formats;
import memberstream.live.ui.SinkCalls;

/**
 * A KCL application beside the shard map: its lease table (picked among the DynamoDB tables keyed by
 * {@code leaseKey}, KCL's shape) with lease, owner, checkpoint and lag, and the metrics it reported to
 * CloudWatch under its application name (KCL's default namespace; by default also the table's name).
 * Read-only. UI-thread only.
 */
final class KclPanel extends VerticalLayout {

    private final transient ConsumerExplorer explorer;
    private final transient SinkCalls calls;
    private final transient Clock clock;

    private final ComboBox<String> table = new ComboBox<>("Lease table");
    private final TextField namespace = new TextField("Metrics namespace");
    private final Grid<ConsumerExplorer.LeaseRow> leases = new Grid<>(ConsumerExplorer.LeaseRow.class, false);
    private final Grid<ConsumerExplorer.MetricRow> metrics = new Grid<>(ConsumerExplorer.MetricRow.class, false);

    private String stream;

    KclPanel(ConsumerExplorer explorer, SinkCalls calls, Clock clock, SecondaryColumns secondary) {
        this.explorer = explorer;
        this.calls = calls;
        this.clock = clock;
        setPadding(false);
        addClassName("kcl-panel");
        table.setId("lease-table");
        table.setPlaceholder("A KCL application's table");
        table.setAllowCustomValue(false);
        table.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                if (namespace.isEmpty() || e.isFromClient()) {
                    namespace.setValue(e.getValue());
                }
                refresh();
            }
        });
        namespace.setId("metrics-namespace");
        namespace.setMaxLength(255);
        namespace.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                refreshMetrics();
            }
        });
        Button find = new Button("Find lease tables", e -> findTables());
        find.setId("find-lease-tables");
        Button refresh = new Button("Refresh", e -> refresh());
        refresh.setId("refresh-kcl");
        FlexLayout bar = new FlexLayout(table, namespace, find, refresh);
        bar.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        bar.getStyle().set("gap", "var(--lumo-space-m)");
        configureGrids(secondary);
        add(new H3("KCL application"), bar, new H4("Leases"), leases, new H4("Reported metrics (latest minute)"), metrics);
    }

    void show(String stream) {
        this.stream = stream;
        findTables();
    }

    void findTables() {
        calls.read("Find KCL lease tables", explorer::leaseTables, names -> {
            String current = table.getValue();
            table.setItems(names);
            if (current != null && names.contains(current)) {
                table.setValue(current);
            } else if (names.size() == 1) {
                table.setValue(names.get(0));
            } else {
                leases.setItems();
            }
        });
    }

    void refresh() {
        String name = table.getValue();
        if (name != null) {
            calls.read("Scan lease table " + name, () -> explorer.leases(name, stream), leases::setItems);
        }
        refreshMetrics();
    }

    private void refreshMetrics() {
        String space = namespace.getValue().trim();
        if (space.isEmpty()) {
            metrics.setItems();
            return;
        }
        calls.read("Read metrics of " + space, () -> explorer.metrics(space, clock.instant()), metrics::setItems);
    }

    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.3f", value);
    }

    private void configureGrids(SecondaryColumns secondary) {
        leases.setId("leases");
        leases.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        leases.addColumn(ConsumerExplorer.LeaseRow::leaseKey).setHeader("Lease (shard)").setFlexGrow(2);
        leases.addColumn(ConsumerExplorer.LeaseRow::owner).setHeader("Owner").setFlexGrow(2);
        secondary.add(leases.addColumn(ConsumerExplorer.LeaseRow::checkpoint).setHeader("Checkpoint").setFlexGrow(3));
        leases.addColumn(r -> r.millisBehind() == null ? "" : r.millisBehind() + " ms").setHeader("Lag (behind latest)");
        leases.setAllRowsVisible(true);
        leases.setEmptyStateText("No leases: pick a KCL lease table (key leaseKey).");

        metrics.setId("kcl-metrics");
        metrics.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        metrics.addColumn(ConsumerExplorer.MetricRow::name).setHeader("Metric").setFlexGrow(2);
        secondary.add(metrics.addColumn(ConsumerExplorer.MetricRow::dimensions).setHeader("Dimensions").setFlexGrow(3));
        metrics.addColumn(r -> r.latest() == null ? ""
                : number(r.latest()) + " (" + r.statistic().toLowerCase(java.util.Locale.ROOT) + ")").setHeader("Latest minute");
        secondary.add(metrics.addColumn(r -> r.at() == null ? "" : Formats.TIME.format(r.at())).setHeader("At (UTC)"));
        metrics.setAllRowsVisible(true);
        metrics.setEmptyStateText("No metrics reported under this namespace in the last hour.");
    }
}
