package memberstream.live.deliveries.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.shared.Registration;
import java.util.ArrayList;
import java.util.List;
import memberstream.live.deliveries.DeliveryBrowser;
import memberstream.live.deliveries.DeliveryBrowser.ObjectRow;
import memberstream.live.ui.Formats;
import memberstream.live.ui.SinkCalls;

/**
 * The Deliveries page's bucket listing: bucket and prefix fields, List and Up, and the folders and
 * objects under the prefix. A click on a folder lists it; a click on an object (or its Open button)
 * fires an {@link OpenEvent} for the page to show it. On a phone the buttons wrap below the fields.
 * UI thread only.
 */
final class BucketBrowser extends VerticalLayout {

    private final transient DeliveryBrowser browser;
    private final transient SinkCalls calls;
    private final TextField bucket = new TextField("Bucket");
    private final TextField prefix = new TextField("Prefix");
    private final Grid<Entry> objects = new Grid<>(Entry.class, false);

    /** A row of the bucket listing: a folder (common prefix) or an object. */
    record Entry(String name, ObjectRow object) {
        boolean folder() {
            return object == null;
        }
    }

    BucketBrowser(DeliveryBrowser browser, SinkCalls calls) {
        this.browser = browser;
        this.calls = calls;
        setPadding(false);
        configureObjects();
        add(bar(), objects);
    }

    /** The bucket typed or shown, trimmed. */
    String bucket() {
        return bucket.getValue().trim();
    }

    /** Lists {@code prefix} of {@code bucketName}. */
    void show(String bucketName, String prefixName) {
        bucket.setValue(bucketName);
        prefix.setValue(prefixName == null ? "" : prefixName);
        refresh();
    }

    Registration addOpenListener(ComponentEventListener<OpenEvent> listener) {
        return addListener(OpenEvent.class, listener);
    }

    private Component bar() {
        bucket.setId("bucket");
        prefix.setId("prefix");
        prefix.setPlaceholder("(whole bucket)");
        prefix.setWidth("24em");
        prefix.setMaxWidth("100%");
        Button list = new Button("List", e -> refresh());
        list.setId("list-objects");
        list.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button up = new Button("Up", e -> {
            prefix.setValue(parentOf(prefix.getValue()));
            refresh();
        });
        up.setId("prefix-up");
        HorizontalLayout bar = new HorizontalLayout(bucket, prefix, list, up);
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        bar.setWrap(true); // on a phone the buttons go below the fields instead of off the screen
        bar.setWidthFull(); // the prefix field's max-width is then the page's width
        return bar;
    }

    private void configureObjects() {
        objects.setId("objects");
        objects.addThemeVariants(GridVariant.LUMO_COMPACT);
        objects.addComponentColumn(BucketBrowser::keyCell).setHeader("Key").setFlexGrow(4);
        objects.addColumn(e -> e.folder() ? "" : DeliveryBrowserView.humanBytes(e.object().size())).setHeader("Size");
        objects.addColumn(e -> e.folder() || e.object().lastModified() == null ? ""
                : Formats.TIME.format(e.object().lastModified())).setHeader("Written (UTC)").setKey("secondary-written");
        objects.addColumn(e -> e.folder() ? "" : e.object().compression()).setHeader("Compression")
                .setKey("secondary-compression");
        objects.addColumn(e -> e.folder() || e.object().records() == null ? "" : e.object().records().toString())
                .setHeader("Records").setKey("secondary-records");
        objects.addComponentColumn(e -> e.folder() ? new Span() : openButton(() -> fireEvent(new OpenEvent(this, e.object()))))
                .setHeader("").setAutoWidth(true).setFlexGrow(0);
        objects.setAllRowsVisible(true);
        objects.setEmptyStateText("No objects under this prefix.");
        objects.addItemClickListener(e -> {
            if (e.getItem().folder()) {
                prefix.setValue(e.getItem().name());
                refresh();
            } else {
                fireEvent(new OpenEvent(this, e.getItem().object()));
            }
        });
    }

    /** Lists the bucket's prefix again (or says which bucket is missing). */
    void refresh() {
        if (bucket.getValue().isBlank()) {
            bucket.setErrorMessage("Which bucket?");
            bucket.setInvalid(true);
            return;
        }
        bucket.setInvalid(false);
        calls.read("List s3://" + bucket.getValue() + "/" + prefix.getValue(),
                () -> browser.list(bucket.getValue().trim(), prefix.getValue()), listing -> {
                    List<Entry> entries = new ArrayList<>();
                    listing.folders().forEach(f -> entries.add(new Entry(f, null)));
                    listing.objects().forEach(o -> entries.add(new Entry(o.key(), o)));
                    objects.setItems(entries);
                });
    }

    private static Component keyCell(Entry entry) {
        Span key = new Span(entry.name());
        if (!entry.folder()) {
            return key;
        }
        Icon folder = VaadinIcon.FOLDER_O.create();
        folder.setSize("var(--lumo-icon-size-s)");
        HorizontalLayout cell = new HorizontalLayout(folder, key);
        cell.setSpacing(false);
        cell.getStyle().set("gap", "var(--lumo-space-xs)");
        cell.setAlignItems(FlexComponent.Alignment.CENTER);
        return cell;
    }

    /** The small Open button of an object's row (here and in the page's delivery grids). */
    static Button openButton(Runnable open) {
        Button button = new Button("Open", click -> open.run());
        button.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        button.addClassName("open-object");
        return button;
    }

    static String parentOf(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        int slash = trimmed.lastIndexOf('/');
        return slash < 0 ? "" : trimmed.substring(0, slash + 1);
    }

    /** A person asked to open {@link #object()}. */
    static final class OpenEvent extends ComponentEvent<BucketBrowser> {
        private final ObjectRow object;

        OpenEvent(BucketBrowser source, ObjectRow object) {
            super(source, true);
            this.object = object;
        }

        ObjectRow object() {
            return object;
        }
    }
}
