package memberstream.security.ui;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.orderedlayout.FlexComponent.Alignment;
import com.vaadin.flow.component.orderedlayout.FlexComponent.JustifyContentMode;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.spring.security.AuthenticationContext;
import java.util.List;

/**
 * Vaadin's login form posting to Spring Security's form login at {@code /login}. A user who is
 * already logged in goes on to the start page instead. After too many failed logins the form login
 * comes back with {@code ?locked=<seconds>}, and the form says how long to wait.
 */
@Route("login")
@PageTitle("Log in | Memberstream")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final LoginForm login = new LoginForm();
    private final transient AuthenticationContext authentication;

    public LoginView(AuthenticationContext authentication) {
        this.authentication = authentication;
        addClassName("login-view");
        setSizeFull();
        setAlignItems(Alignment.CENTER);
        setJustifyContentMode(JustifyContentMode.CENTER);

        login.setAction("login");
        login.setForgotPasswordButtonVisible(false);

        var hint = new Paragraph("First start? The admin's password was printed once in the console's log, "
                + "unless MEMBERSTREAM_ADMIN_PASSWORD was set.");
        hint.addClassName("login-hint");
        add(new H1("Memberstream"), login, hint);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (authentication.isAuthenticated()) {
            event.forwardTo("");
            return;
        }
        var parameters = event.getLocation().getQueryParameters().getParameters();
        if (parameters.containsKey("locked")) {
            login.showErrorMessage("Too many failed logins", "Logins for this user name or from this address "
                    + "are paused after repeated wrong passwords. Try again in " + waitInWords(parameters.get("locked"))
                    + "; an admin can lift the pause on the Users page.");
        } else {
            login.setError(parameters.containsKey("error"));
        }
    }

    /** The wait in words; the number comes from the URL, so anything odd reads as "a few minutes". */
    static String waitInWords(List<String> seconds) {
        long value;
        try {
            value = seconds.isEmpty() ? -1 : Long.parseLong(seconds.get(0));
        } catch (NumberFormatException notANumber) {
            value = -1;
        }
        if (value <= 0 || value > 86_400) {
            return "a few minutes";
        }
        if (value < 90) {
            return value + (value == 1 ? " second" : " seconds");
        }
        long minutes = (value + 59) / 60;
        return minutes + " minutes";
    }
}
