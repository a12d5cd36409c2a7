package memberstream.member.ui;

import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.Focusable;
import com.vaadin.flow.component.HasLabel;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.textfield.TextFieldBase;
import com.vaadin.flow.data.binder.BinderValidationStatus;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.data.binder.BeanValidationBinder;
import com.vaadin.flow.shared.Registration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memberstream.member.InvalidMemberException;
import memberstream.member.Member;
import memberstream.member.MemberRole;
import memberstream.member.MemberStatus;

/**
 * Edits one member. It never calls a service: it fires {@link SaveEvent}, {@link DeleteEvent} and
 * {@link CloseEvent} for the view to act on. It edits a detached copy through readBean /
 * writeBeanIfValid, so a cancelled edit leaves nothing behind; the copy's version goes to the service
 * with the save, which refuses it if someone else saved meanwhile.
 */
class MemberForm extends FormLayout {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final H3 title = new H3();
    final TextField fullName = new TextField("Full name");
    final EmailField email = new EmailField("Email");
    final TextField phone = new TextField("Phone");
    final Select<MemberRole> role = new Select<>();
    final Select<MemberStatus> status = new Select<>();
    final DatePicker joinedOn = new DatePicker("Joined on");
    final TextArea notes = new TextArea("Notes");
    private final Span stamps = new Span();
    /** Says why Save did not save, above the fields (the fields say what is wrong with each). */
    final Span summary = new Span();
    final MemberHistoryPanel history = new MemberHistoryPanel();

    final Button save = new Button("Save");
    final Button delete = new Button("Delete");
    final Button close = new Button("Close");

    private final BeanValidationBinder<Member> binder = new BeanValidationBinder<>(Member.class);
    private final Map<String, HasValidation> fieldsByProperty = Map.of(
            "fullName", fullName, "email", email, "phone", phone, "role", role,
            "status", status, "joinedOn", joinedOn, "notes", notes);

    private static final Map<String, String> LABELS = Map.of("fullName", "Full name", "email", "Email",
            "phone", "Phone", "role", "Role", "status", "Status", "joinedOn", "Joined on", "notes", "Notes");

    private Member member;
    private boolean editable = true;

    MemberForm() {
        addClassName("member-form");
        configureFields();
        // Only the constraints on Member judge a value: the fields' own checks (the email field's
        // pattern, "required") would refuse other input than the API and show an empty message.
        binder.setDefaultValidatorsEnabled(false);
        fullName.setManualValidation(true);
        email.setManualValidation(true);
        phone.setManualValidation(true);
        joinedOn.setManualValidation(true);
        role.setManualValidation(true);
        status.setManualValidation(true);
        notes.setManualValidation(true);
        binder.bindInstanceFields(this);
        binder.addStatusChangeListener(change -> {
            if (summary.isVisible() && binder.isValid()) {
                summary.setVisible(false);
            }
        });
        var buttons = buttons();
        add(title, summary, fullName, email, phone, joinedOn, role, status, notes, stamps, buttons, history);
        setColspan(buttons, 2);
        setColspan(history, 2);
        setColspan(summary, 2);
        // One column below 24em (a phone), two beside the grid.
        setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("24em", 2));
        setColspan(title, 2);
        setColspan(fullName, 2);
        setColspan(email, 2);
        setColspan(notes, 2);
        setColspan(stamps, 2);
    }

    private void configureFields() {
        // Stable ids for browser tests and for people who link into the form.
        fullName.setId("member-full-name");
        email.setId("member-email");
        phone.setId("member-phone");
        role.setId("member-role");
        status.setId("member-status");
        joinedOn.setId("member-joined-on");
        notes.setId("member-notes");
        save.setId("member-save");
        delete.setId("member-delete");
        close.setId("member-close");
        fullName.setRequiredIndicatorVisible(true);
        email.setRequiredIndicatorVisible(true);
        // No maxlength: a browser would cut a pasted 300-character name silently. The counter shows the
        // limit while typing and Bean Validation refuses what is over it, with the API's own message.
        counted(fullName, Member.FULL_NAME_MAX);
        counted(email, Member.EMAIL_MAX);
        counted(phone, Member.PHONE_MAX);
        counted(notes, Member.NOTES_MAX);
        phone.setPlaceholder("+44 20 7946 0000");
        role.setLabel("Role");
        role.setItems(MemberRole.values());
        role.setItemLabelGenerator(MemberRole::label);
        status.setLabel("Status");
        status.setItems(MemberStatus.values());
        status.setItemLabelGenerator(MemberStatus::label);
        notes.setHeight("6em");
        // The grid shows ISO dates; the picker shows and accepts the same.
        joinedOn.setI18n(new DatePicker.DatePickerI18n().setDateFormat("yyyy-MM-dd"));
        joinedOn.setPlaceholder("yyyy-mm-dd");
        summary.setId("member-form-summary");
        summary.setVisible(false);
        summary.getStyle().set("color", "var(--lumo-error-text-color)").set("font-size", "var(--lumo-font-size-s)");
        stamps.addClassNames("member-stamps");
        stamps.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
    }

    private HorizontalLayout buttons() {
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        // Blurring the focused field first makes its last keystrokes part of what is saved.
        save.addClickShortcut(Key.KEY_S, KeyModifier.CONTROL).resetFocusOnActiveElement();
        save.setTooltipText("Save (Enter or Ctrl+S)");
        // Enter in a one-line field saves; in Notes it stays a line break.
        save.addClickShortcut(Key.ENTER).listenOn(fullName, email, phone).resetFocusOnActiveElement();
        save.addClickListener(click -> validateAndSave());

        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        delete.addClickListener(click -> fireEvent(new DeleteEvent(this, member)));

        close.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        close.addClickShortcut(Key.ESCAPE);
        close.setTooltipText("Close (Esc)");
        close.addClickListener(click -> fireEvent(new CloseEvent(this)));
        return new HorizontalLayout(save, delete, close);
    }

    /** Shows {@code member} (a detached copy this form may write into). */
    void edit(Member member) {
        this.member = member;
        binder.readBean(member);
        summary.setVisible(false);
        history.setVisible(!member.isNew());
        title.setText(member.isNew() ? "New member" : member.getFullName());
        stamps.setText(member.isNew() ? "" : "Created " + STAMP.format(member.getCreatedAt())
                + " · updated " + STAMP.format(member.getUpdatedAt()) + " · version " + member.getVersion());
        applyEditable();
    }

    /** Viewers see the member but get no way to change it. */
    void setEditable(boolean editable) {
        this.editable = editable;
        applyEditable();
    }

    private void applyEditable() {
        binder.setReadOnly(!editable);
        save.setVisible(editable);
        delete.setVisible(editable && member != null && !member.isNew());
    }

    /** Marks the fields the service refused (a duplicate email, for one) with its messages. */
    void showErrors(List<InvalidMemberException.FieldError> errors) {
        for (InvalidMemberException.FieldError error : errors) {
            HasValidation field = fieldsByProperty.get(error.field());
            if (field != null) {
                field.setErrorMessage(error.message());
                field.setInvalid(true);
            }
        }
        showSummary(errors.stream().map(error -> LABELS.getOrDefault(error.field(), error.field()) + ": "
                + error.message()).toList());
    }

    private void showSummary(List<String> problems) {
        summary.setText("Not saved: " + (problems.size() == 1 ? "1 field needs" : problems.size() + " fields need")
                + " attention. " + String.join(" · ", problems));
        summary.setVisible(true);
    }

    /** Forgets the person's edits (after a delete, or when they chose to discard them). */
    void discardChanges() {
        if (member != null) {
            binder.readBean(member);
        }
    }

    /**
     * Shows a limit as a counter under the field ("12/120"), updated at every keystroke: in LAZY mode a
     * phone's keyboard showed the committed value's stale count ("0/254") while the person typed.
     */
    private static void counted(TextFieldBase<?, String> field, int max) {
        field.setValueChangeMode(ValueChangeMode.EAGER);
        field.setHelperText("0/" + max);
        field.addValueChangeListener(change -> {
            int length = change.getValue() == null ? 0 : change.getValue().length();
            field.setHelperText(length + "/" + max + (length > max ? " (" + (length - max) + " too many)" : ""));
        });
    }

    Member member() {
        return member;
    }

    boolean hasChanges() {
        return binder.hasChanges();
    }

    private void validateAndSave() {
        if (member == null || !editable) {
            return;
        }
        BinderValidationStatus<Member> status = binder.validate();
        if (status.isOk() && binder.writeBeanIfValid(member)) {
            summary.setVisible(false);
            fireEvent(new SaveEvent(this, member));
            return;
        }
        List<String> problems = new ArrayList<>();
        status.getFieldValidationErrors().forEach(error -> problems.add(
                labelOf(error.getField()) + ": " + error.getMessage().orElse("not valid")));
        status.getBeanValidationErrors().forEach(error -> problems.add(error.getErrorMessage()));
        showSummary(problems);
        status.getFieldValidationErrors().stream().findFirst()
                .ifPresent(error -> ((Focusable<?>) error.getField()).focus());
    }

    private static String labelOf(HasValue<?, ?> field) {
        return field instanceof HasLabel labelled && labelled.getLabel() != null ? labelled.getLabel() : "A field";
    }

    /** Base of the form's events: the member it was showing. */
    abstract static class MemberFormEvent extends ComponentEvent<MemberForm> {
        private final Member member;

        MemberFormEvent(MemberForm source, Member member) {
            super(source, false);
            this.member = member;
        }

        Member member() {
            return member;
        }
    }

    /** The person asked to save; {@link #member()} holds the valid values and the version read. */
    static class SaveEvent extends MemberFormEvent {
        SaveEvent(MemberForm source, Member member) {
            super(source, member);
        }
    }

    /** The person asked to delete the member (not yet confirmed). */
    static class DeleteEvent extends MemberFormEvent {
        DeleteEvent(MemberForm source, Member member) {
            super(source, member);
        }
    }

    /** The person closed the form. */
    static class CloseEvent extends MemberFormEvent {
        CloseEvent(MemberForm source) {
            super(source, null);
        }
    }

    Registration addSaveListener(ComponentEventListener<SaveEvent> listener) {
        return addListener(SaveEvent.class, listener);
    }

    Registration addDeleteListener(ComponentEventListener<DeleteEvent> listener) {
        return addListener(DeleteEvent.class, listener);
    }

    Registration addCloseListener(ComponentEventListener<CloseEvent> listener) {
        return addListener(CloseEvent.class, listener);
    }
}
