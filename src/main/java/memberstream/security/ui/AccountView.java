package memberstream.security.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.LengthCounter;
import memberstream.security.CurrentUser;
import memberstream.security.NewUser;
import memberstream.security.UserChangeRefusedException;
import memberstream.security.UserService;

/** Every user changes their own password here (the current one is required); the user name in the navbar links here. */
@Route(value = "account", layout = MainLayout.class)
@PageTitle("My account | Memberstream")
@PermitAll
public class AccountView extends VerticalLayout {

    final PasswordField current = new PasswordField("Current password");
    final PasswordField next = new PasswordField("New password");
    final PasswordField repeat = new PasswordField("New password again");
    final Button change = new Button("Change password");

    private final transient UserService users;

    public AccountView(UserService users) {
        this.users = users;
        addClassName("account-view");
        // counted, not cut: a pasted password longer than the limit is refused with a reason, not shortened
        LengthCounter.count(next, NewUser.PASSWORD_MIN, NewUser.PASSWORD_MAX);
        LengthCounter.count(repeat, NewUser.PASSWORD_MIN, NewUser.PASSWORD_MAX);
        change.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        change.addClickListener(click -> change());
        var form = new FormLayout(current, next, repeat, change);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("40em", 2));
        form.setMaxWidth("50em");
        add(new H2("My account"), new Paragraph("Logged in as " + CurrentUser.name() + "."), form);
    }

    private void change() {
        current.setInvalid(false);
        next.setInvalid(false);
        repeat.setInvalid(false);
        if (!next.getValue().equals(repeat.getValue())) {
            repeat.setErrorMessage("The two new passwords differ");
            repeat.setInvalid(true);
            return;
        }
        try {
            users.changeOwnPassword(current.getValue(), next.getValue());
            current.clear();
            next.clear();
            repeat.clear();
            ApiTokensPanel.notify("Your password is changed. Use the new one from now on.",
                    NotificationVariant.LUMO_SUCCESS);
        } catch (UserChangeRefusedException refused) {
            PasswordField field = refused.getMessage().startsWith("The current") ? current : next;
            field.setErrorMessage(refused.getMessage());
            field.setInvalid(true);
        }
    }
}
