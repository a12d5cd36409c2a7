package memberstream.security.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import memberstream.security.LoginLockout;
import memberstream.security.LoginLockouts;
import memberstream.security.LoginSubject;

/** Admins see which user names and addresses must wait after wrong passwords, and lift a pause. */
class LoginLockoutsPanel extends VerticalLayout {

    final Grid<LoginLockout> grid = new Grid<>();
    private final transient LoginLockouts lockouts;

    LoginLockoutsPanel(LoginLockouts lockouts) {
        this.lockouts = lockouts;
        addClassName("login-lockouts");
        setPadding(false);
        configureGrid();
        var help = new Paragraph("After repeated wrong passwords for a user name or from an address, logins "
                + "(form, HTTP Basic, API tokens) wait a growing delay, then are locked for a while. "
                + "Lifting one lets it try again at once.");
        var refresh = new Button("Refresh", click -> refresh());
        refresh.addThemeVariants(ButtonVariant.LUMO_SMALL);
        add(new H3("Login lockouts"), help, refresh, grid);
        refresh();
    }

    private void configureGrid() {
        grid.addColumn(lockout -> lockout.kind() == LoginSubject.USERNAME ? "User name" : "Address").setHeader("Kind")
                .setKey("kind");
        grid.addColumn(LoginLockout::subject).setHeader("Who");
        grid.addColumn(LoginLockout::failures).setHeader("Failures").setKey("failures");
        grid.addColumn(lockout -> lockout.lockedOut() ? "locked" : "delayed").setHeader("State");
        grid.addColumn(lockout -> ApiTokensPanel.WHEN.format(lockout.until())).setHeader("Until").setKey("until");
        grid.addComponentColumn(lockout -> {
            var lift = new Button("Lift", click -> lift(lockout));
            lift.addThemeVariants(ButtonVariant.LUMO_SMALL);
            return lift;
        }).setHeader("").setKey("lift");
        grid.setAllRowsVisible(true);
        grid.setEmptyStateText("Nobody is locked out.");
    }

    /** On a phone who is locked, the state and Lift stay. */
    void fitTo(boolean phone) {
        for (String key : new String[] {"kind", "failures", "until"}) {
            grid.getColumnByKey(key).setVisible(!phone);
        }
    }

    void refresh() {
        grid.setItems(lockouts.current());
    }

    private void lift(LoginLockout lockout) {
        lockouts.lift(lockout.kind(), lockout.subject());
        refresh();
        ApiTokensPanel.notify("Lifted the pause of " + lockout.subject() + ".", NotificationVariant.LUMO_SUCCESS);
    }
}
