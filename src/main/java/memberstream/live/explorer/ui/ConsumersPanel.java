package memberstream.live.explorer.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import memberstream.live.explorer.ConsumerExplorer;
import memberstream.live.ui.Formats;
import memberstream.live.ui.SinkCalls;

/**
 * A stream's enhanced fan-out consumers (name, status, created, ARN) with register and deregister for
 * admins, and their open subscriptions (consumer, shard, since, position, MillisBehindLatest) where the
 * endpoint can list them; elsewhere it says why not. Every action reports through {@link SinkCalls} and
 * both lists refresh at once. UI-thread only.
 */
final class ConsumersPanel extends VerticalLayout {

    private final transient ConsumerExplorer explorer;
    private final transient SinkCalls calls;
    private final boolean admin;

    private final Grid<ConsumerExplorer.ConsumerRow> consumers = new Grid<>(ConsumerExplorer.ConsumerRow.class, false);
    private final Grid<ConsumerExplorer.SubscriptionRow> subscriptions = new Grid<>(ConsumerExplorer.SubscriptionRow.class, false);
    private final Paragraph subscriptionsNote = new Paragraph();
    private final TextField newConsumer = new TextField("Consumer name");

    private String stream;
    private String streamArn;

    ConsumersPanel(ConsumerExplorer explorer, SinkCalls calls, boolean admin, SecondaryColumns secondary) {
        this.explorer = explorer;
        this.calls = calls;
        this.admin = admin;
        setPadding(false);
        addClassName("consumers-panel");
        configureGrids(secondary);
        newConsumer.setId("new-consumer-name");
        newConsumer.setPattern("[a-zA-Z0-9_.-]{1,128}");
        newConsumer.setMaxLength(128);
        newConsumer.setErrorMessage("1-128 letters, digits, '_', '.' or '-'");
        Button register = new Button("Register consumer", e -> register());
        register.setId("register-consumer");
        register.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button refresh = new Button("Refresh", e -> refresh());
        refresh.setId("refresh-consumers");
        FlexLayout bar = new FlexLayout(newConsumer, register, refresh);
        bar.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        bar.getStyle().set("gap", "var(--lumo-space-m)");
        newConsumer.setVisible(admin);
        register.setVisible(admin);
        subscriptionsNote.setId("subscriptions-note");
        add(new H3("Consumers (enhanced fan-out)"), consumers, bar, new H4("Subscriptions"), subscriptions, subscriptionsNote);
    }

    void show(String stream, String streamArn) {
        this.stream = stream;
        this.streamArn = streamArn;
        refresh();
    }

    void refresh() {
        if (streamArn == null) {
            consumers.setItems();
            subscriptions.setItems();
            return;
        }
        calls.read("List consumers of " + stream, () -> explorer.consumers(streamArn), consumers::setItems);
        calls.read("List subscriptions of " + stream, () -> explorer.subscriptions(streamArn), listed -> {
            subscriptions.setItems(listed.rows());
            subscriptions.setVisible(listed.unavailable() == null);
            subscriptionsNote.setText(listed.unavailable() == null ? "" : listed.unavailable());
        });
    }

    private void configureGrids(SecondaryColumns secondary) {
        consumers.setId("consumers");
        consumers.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        consumers.addColumn(ConsumerExplorer.ConsumerRow::name).setHeader("Consumer").setFlexGrow(2);
        consumers.addColumn(ConsumerExplorer.ConsumerRow::status).setHeader("Status");
        secondary.add(consumers.addColumn(r -> r.created() == null ? "" : Formats.TIME.format(r.created()))
                .setHeader("Created (UTC)"));
        secondary.add(consumers.addColumn(ConsumerExplorer.ConsumerRow::arn).setHeader("ARN").setFlexGrow(3));
        if (admin) {
            consumers.addComponentColumn(row -> {
                Button deregister = new Button("Deregister", e -> deregister(row));
                deregister.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
                return deregister;
            }).setKey("deregister").setHeader("").setAutoWidth(true).setFlexGrow(0);
        }
        consumers.setAllRowsVisible(true);
        consumers.setEmptyStateText("No consumers registered for enhanced fan-out.");

        subscriptions.setId("subscriptions");
        subscriptions.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        subscriptions.addColumn(ConsumerExplorer.SubscriptionRow::consumer).setHeader("Consumer");
        subscriptions.addColumn(ConsumerExplorer.SubscriptionRow::shardId).setHeader("Shard");
        secondary.add(subscriptions.addColumn(r -> Formats.TIME.format(r.since())).setHeader("Since (UTC)"));
        subscriptions.addColumn(r -> r.millisBehindLatest() == null ? "" : r.millisBehindLatest() + " ms").setHeader("Behind latest");
        secondary.add(subscriptions.addColumn(ConsumerExplorer.SubscriptionRow::position).setHeader("Position")
                .setFlexGrow(3));
        subscriptions.setAllRowsVisible(true);
        subscriptions.setEmptyStateText("No open SubscribeToShard subscriptions.");
    }

    private void register() {
        if (newConsumer.isEmpty() || newConsumer.isInvalid()) {
            newConsumer.setInvalid(true);
            return;
        }
        String name = newConsumer.getValue().trim();
        calls.call("Register consumer " + name, () -> explorer.register(streamArn, name), row -> {
            newConsumer.clear();
            refresh();
        }, "Consumer " + name + " is being registered");
    }

    private void deregister(ConsumerExplorer.ConsumerRow row) {
        calls.call("Deregister consumer " + row.name(), () -> explorer.deregister(row.arn()), done -> refresh(),
                "Consumer " + row.name() + " is being deregistered");
    }
}
