package memberstream.live.explorer.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.OptionalParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.live.explorer.ConsumerExplorer;
import memberstream.live.explorer.StreamExplorer;
import memberstream.live.ui.Formats;
import memberstream.live.ui.SinkCalls;

/**
 * Kinesis streams as the SDK sees them: the list (status, mode, retention, open shards) and, for the
 * stream in the URL ({@code /streams/<name>}), its shards ({@link ShardPanel}), who reads it
 * ({@link ConsumersPanel}, {@link KclPanel}) and a reader ({@link RecordReader}). Admins create streams and reshard; anyone may read. Every call, its throttled
 * attempts and the retries that followed go to the activity list ({@link SinkCalls}).
 */
@Route(value = "streams", layout = MainLayout.class)
@PageTitle("Streams | Memberstream")
@Menu(order = MenuOrder.STREAMS, title = "Streams", icon = "vaadin:split")
@PermitAll
public class StreamExplorerView extends VerticalLayout implements HasUrlParameter<String> {

    private static final int FOLLOW_POLLS = 60;

    private final transient StreamExplorer explorer;
    private final transient SinkCalls calls;
    private final boolean admin;

    private final Grid<StreamExplorer.StreamRow> streams = new Grid<>(StreamExplorer.StreamRow.class, false);
    private final TextField newName = new TextField("Stream name");
    private final ComboBox<String> newMode = new ComboBox<>("Capacity mode", "PROVISIONED", "ON_DEMAND");
    private final IntegerField newShards = new IntegerField("Shards");
    private final VerticalLayout details = new VerticalLayout();
    private final ShardPanel shards;
    private final ConsumersPanel consumers;
    private final KclPanel kcl;
    private final RecordReader reader;
    private final SecondaryColumns secondary = new SecondaryColumns();

    private String selectedStream;
    private Registration following;
    private int followPolls;

    public StreamExplorerView(StreamExplorer explorer, ConsumerExplorer consumerExplorer, AuthenticationContext authentication,
                              Clock clock) {
        this.explorer = explorer;
        this.admin = authentication.hasRole("ADMIN");
        Div activity = new Div();
        activity.setId("activity");
        activity.addClassName("activity");
        this.calls = new SinkCalls(clock, activity);
        this.shards = new ShardPanel(explorer, calls, admin, secondary);
        this.consumers = new ConsumersPanel(consumerExplorer, calls, admin, secondary);
        this.kcl = new KclPanel(consumerExplorer, calls, clock, secondary);
        this.reader = new RecordReader(explorer, calls, clock, () -> shards.selected(false), secondary);
        shards.addShardsChangedListener(e -> followUntilActive());
        addClassName("stream-explorer");
        configureStreamGrid();
        details.setPadding(false);
        FlexLayout readers = new FlexLayout(consumers, kcl);
        readers.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        readers.setWidthFull();
        readers.getStyle().set("gap", "var(--lumo-space-l)");
        consumers.getStyle().set("flex", "1 1 22em").set("min-width", "0");
        kcl.getStyle().set("flex", "1 1 22em").set("min-width", "0");
        details.add(shards, readers, new H3("Read"), reader);
        details.setVisible(false);
        add(new H2("Streams"), createStreamBar(), streams, details, new H3("Activity"), activity);
        refreshStreams();
    }

    @Override
    public void setParameter(BeforeEvent event, @OptionalParameter String stream) {
        if (stream != null && !stream.isBlank()) {
            selectStream(stream);
        }
    }

    private Component createStreamBar() {
        newName.setId("new-stream-name");
        newName.setRequired(true);
        newName.setPattern("[a-zA-Z0-9_.-]{1,128}");
        newName.setMaxLength(128);
        newName.setErrorMessage("1-128 letters, digits, '_', '.' or '-'");
        newMode.setValue("PROVISIONED");
        newShards.setValue(2);
        newShards.setMin(1);
        newShards.setStepButtonsVisible(true);
        newShards.setWidth("8em");
        newMode.addValueChangeListener(e -> newShards.setEnabled("PROVISIONED".equals(e.getValue())));
        Button create = new Button("Create stream", e -> createStream());
        create.setId("create-stream");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button refresh = new Button("Refresh", e -> {
            refreshStreams();
            if (selectedStream != null) {
                shards.refresh();
                consumers.refresh();
                kcl.refresh();
            }
        });
        refresh.setId("refresh");
        newName.setVisible(admin);
        newMode.setVisible(admin);
        newShards.setVisible(admin);
        create.setVisible(admin);
        FlexLayout bar = new FlexLayout(newName, newMode, newShards, create, refresh);
        bar.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        bar.getStyle().set("gap", "var(--lumo-space-m)");
        return bar;
    }

    private void configureStreamGrid() {
        streams.setId("streams");
        streams.addThemeVariants(GridVariant.LUMO_COMPACT);
        streams.addColumn(StreamExplorer.StreamRow::name).setHeader("Stream").setFlexGrow(2);
        streams.addColumn(StreamExplorer.StreamRow::status).setHeader("Status");
        secondary.add(streams.addColumn(StreamExplorer.StreamRow::mode).setHeader("Mode"));
        secondary.add(streams.addColumn(r -> r.retentionHours() + " h").setHeader("Retention"));
        streams.addColumn(StreamExplorer.StreamRow::openShards).setHeader("Open shards");
        secondary.add(streams.addColumn(r -> r.created() == null ? "" : Formats.TIME.format(r.created()))
                .setHeader("Created (UTC)"));
        streams.setAllRowsVisible(true);
        streams.setEmptyStateText("No Kinesis streams at this endpoint.");
        streams.asSingleSelect().addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                getUI().ifPresent(ui -> ui.navigate(StreamExplorerView.class, e.getValue().name()));
            }
        });
    }

    private void refreshStreams() {
        calls.read("List streams", explorer::streams, rows -> {
            streams.setItems(rows);
            rows.stream().filter(r -> r.name().equals(selectedStream)).findFirst().ifPresent(streams::select);
        });
    }

    /**
     * Resharding takes the stream through UPDATING for a while: the lists are refreshed now, and once
     * a second (at most {@link #FOLLOW_POLLS} times) until the stream is ACTIVE again, so the open-shard
     * count and the shard map show the outcome without a click on Refresh.
     */
    private void followUntilActive() {
        refreshStreams();
        if (following != null || getUI().isEmpty()) {
            return;
        }
        UI ui = getUI().get();
        followPolls = 0;
        ui.setPollInterval(1000);
        following = ui.addPollListener(poll -> {
            followPolls++;
            refreshStreams();
            shards.refresh();
            boolean active = streams.getListDataView().getItems()
                    .anyMatch(r -> r.name().equals(selectedStream) && "ACTIVE".equals(r.status()));
            if (active || followPolls >= FOLLOW_POLLS) {
                stopFollowing();
            }
        });
    }

    private void stopFollowing() {
        if (following != null) {
            following.remove();
            following = null;
            getUI().ifPresent(ui -> ui.setPollInterval(-1));
        }
    }

    /** On a phone every grid of the page drops its secondary columns. */
    @Override
    protected void onAttach(AttachEvent attach) {
        attach.getUI().getPage().retrieveExtendedClientDetails(details -> fitTo(details.getWindowInnerWidth()));
        attach.getUI().getPage().addBrowserWindowResizeListener(resize -> fitTo(resize.getWidth()));
    }

    void fitTo(int windowWidth) {
        secondary.fitTo(windowWidth);
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        stopFollowing();
    }

    void selectStream(String name) {
        selectedStream = name;
        details.setVisible(true);
        reader.reset(name);
        refreshStreams();
        shards.show(name);
        String arn = streams.getListDataView().getItems().filter(r -> r.name().equals(name))
                .map(StreamExplorer.StreamRow::arn).findFirst().orElse(null);
        consumers.show(name, arn);
        kcl.show(name);
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
        calls.call("Create stream " + name, () -> explorer.createStream(name, onDemand ? null : newShards.getValue()),
                done -> {
                    newName.clear();
                    getUI().ifPresentOrElse(ui -> ui.navigate(StreamExplorerView.class, name), () -> selectStream(name));
                }, "Stream " + name + " is being created");
    }
}
