package memberstream.security.ui;

import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.data.validator.BeanValidator;
import com.vaadin.flow.shared.Registration;
import memberstream.base.ui.LengthCounter;
import memberstream.security.NewUser;
import memberstream.security.Role;

/** Collects a new user's name, password and role; Add fires an {@link AddEvent}, never a service call. */
class AddUserForm extends FormLayout {

    final TextField username = new TextField("Username");
    final PasswordField password = new PasswordField("Password");
    final Select<Role> role = new Select<>();
    final Button add = new Button("Add user");

    private final Binder<Draft> binder = new Binder<>();

    AddUserForm() {
        addClassName("add-user-form");
        configureFields();
        configureBinder();
        add.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add.addClickListener(click -> validateAndAdd());
        setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("40em", 4));
        add(username, password, role, add);
        clear();
    }

    private void configureFields() {
        username.setRequiredIndicatorVisible(true);
        password.setRequiredIndicatorVisible(true);
        LengthCounter.count(username, NewUser.USERNAME_MAX);
        LengthCounter.count(password, NewUser.PASSWORD_MIN, NewUser.PASSWORD_MAX);
        role.setLabel("Role");
        role.setItems(Role.values());
        role.setItemLabelGenerator(r -> r == Role.ADMIN ? "Admin (edits)" : "Viewer (read only)");
    }

    private void configureBinder() {
        binder.forField(username).withValidator(new BeanValidator(NewUser.class, "username"))
                .bind(d -> d.username, (d, v) -> d.username = v);
        binder.forField(password).withValidator(new BeanValidator(NewUser.class, "password"))
                .bind(d -> d.password, (d, v) -> d.password = v);
        binder.forField(role).asRequired("Choose a role").bind(d -> d.role, (d, v) -> d.role = v);
    }

    void clear() {
        binder.readBean(new Draft());
    }

    void showUsernameError(String message) {
        username.setInvalid(true);
        username.setErrorMessage(message);
    }

    private void validateAndAdd() {
        var draft = new Draft();
        if (binder.writeBeanIfValid(draft)) {
            fireEvent(new AddEvent(this, new NewUser(draft.username, draft.password, draft.role)));
        }
    }

    Registration addAddListener(ComponentEventListener<AddEvent> listener) {
        return addListener(AddEvent.class, listener);
    }

    static final class AddEvent extends ComponentEvent<AddUserForm> {
        private final NewUser user;

        AddEvent(AddUserForm source, NewUser user) {
            super(source, false);
            this.user = user;
        }

        NewUser user() {
            return user;
        }
    }

    private static final class Draft {
        private String username = "";
        private String password = "";
        private Role role = Role.VIEWER;
    }
}
