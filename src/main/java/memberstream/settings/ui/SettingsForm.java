package memberstream.settings.ui;

import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.data.validator.BeanValidator;
import com.vaadin.flow.shared.Registration;
import java.util.Map;
import memberstream.settings.Settings;
import memberstream.settings.SettingsUpdate;

/**
 * Edits the sink switch and the two stream names. It never calls a service: Save fires a
 * {@link SaveEvent} carrying a validated {@link SettingsUpdate}. Read-only mode hides the buttons.
 */
class SettingsForm extends FormLayout {

    final Checkbox firehose = new Checkbox("Send member events to Firehose instead of Kinesis");
    final TextField kinesisStreamName = new TextField("Kinesis stream name");
    final TextField firehoseDeliveryStreamName = new TextField("Firehose delivery stream name");
    final Button save = new Button("Save");
    final Button reset = new Button("Reset");

    private final Binder<Draft> binder = new Binder<>();
    private final HorizontalLayout buttons = new HorizontalLayout(save, reset);
    private Settings shown;

    SettingsForm() {
        addClassName("settings-form");
        configureFields();
        configureBinder();
        configureButtons();
        setResponsiveSteps(new ResponsiveStep("0", 1));
        add(firehose, kinesisStreamName, firehoseDeliveryStreamName, buttons);
    }

    private void configureFields() {
        for (TextField name : new TextField[] {kinesisStreamName, firehoseDeliveryStreamName}) {
            name.setRequiredIndicatorVisible(true);
            name.setMaxLength(128);
            name.setHelperText("1-128 letters, digits, _ . or -");
            name.setWidthFull();
        }
    }

    private void configureBinder() {
        binder.forField(firehose).bind(Draft::firehose, Draft::firehose);
        binder.forField(kinesisStreamName)
                .withValidator(new BeanValidator(SettingsUpdate.class, "kinesisStreamName"))
                .bind(Draft::kinesisStreamName, Draft::kinesisStreamName);
        binder.forField(firehoseDeliveryStreamName)
                .withValidator(new BeanValidator(SettingsUpdate.class, "firehoseDeliveryStreamName"))
                .bind(Draft::firehoseDeliveryStreamName, Draft::firehoseDeliveryStreamName);
    }

    private void configureButtons() {
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickShortcut(Key.ENTER);
        save.addClickListener(click -> validateAndSave());
        reset.addClickListener(click -> show(shown));
    }

    void show(Settings settings) {
        this.shown = settings;
        binder.readBean(Draft.of(settings));
    }

    void setEditable(boolean editable) {
        binder.setReadOnly(!editable);
        buttons.setVisible(editable);
        for (TextField name : new TextField[] {kinesisStreamName, firehoseDeliveryStreamName}) {
            name.setRequiredIndicatorVisible(editable);
            name.setHelperText(editable ? "1-128 letters, digits, _ . or -" : null);
        }
    }

    /** Marks fields the service rejected (keyed by {@link SettingsUpdate} component name). */
    void showFieldErrors(Map<String, String> errors) {
        errors.forEach((field, message) -> {
            TextField target = switch (field) {
                case "kinesisStreamName" -> kinesisStreamName;
                case "firehoseDeliveryStreamName" -> firehoseDeliveryStreamName;
                default -> null;
            };
            if (target != null) {
                target.setInvalid(true);
                target.setErrorMessage(message);
            }
        });
    }

    private void validateAndSave() {
        var draft = new Draft();
        if (binder.writeBeanIfValid(draft)) {
            fireEvent(new SaveEvent(this, new SettingsUpdate(draft.firehose, draft.kinesisStreamName,
                    draft.firehoseDeliveryStreamName, shown == null ? null : shown.version())));
        }
    }

    Registration addSaveListener(ComponentEventListener<SaveEvent> listener) {
        return addListener(SaveEvent.class, listener);
    }

    static final class SaveEvent extends ComponentEvent<SettingsForm> {
        private final SettingsUpdate update;

        SaveEvent(SettingsForm source, SettingsUpdate update) {
            super(source, false);
            this.update = update;
        }

        SettingsUpdate update() {
            return update;
        }
    }

    /** What the fields hold while being edited. */
    private static final class Draft {
        private boolean firehose;
        private String kinesisStreamName;
        private String firehoseDeliveryStreamName;

        static Draft of(Settings settings) {
            var draft = new Draft();
            draft.firehose = settings.firehose();
            draft.kinesisStreamName = settings.kinesisStreamName();
            draft.firehoseDeliveryStreamName = settings.firehoseDeliveryStreamName();
            return draft;
        }

        boolean firehose() {
            return firehose;
        }

        void firehose(boolean value) {
            firehose = value;
        }

        String kinesisStreamName() {
            return kinesisStreamName;
        }

        void kinesisStreamName(String value) {
            kinesisStreamName = value;
        }

        String firehoseDeliveryStreamName() {
            return firehoseDeliveryStreamName;
        }

        void firehoseDeliveryStreamName(String value) {
            firehoseDeliveryStreamName = value;
        }
    }
}
