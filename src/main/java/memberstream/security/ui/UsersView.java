package memberstream.security.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolationException;
import java.util.Locale;
import java.util.function.Supplier;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.security.ApiTokenService;
import memberstream.security.CurrentUser;
import memberstream.security.LoginLockouts;
import memberstream.security.NewUser;
import memberstream.security.Role;
import memberstream.security.UserChange;
import memberstream.security.UserChangeRefusedException;
import memberstream.security.UserService;
import memberstream.security.UserSummary;
import memberstream.security.UsernameTakenException;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * Admins list the console's users, add them, change their role, disable, enable and delete them and
 * reset their passwords (the new one shown once); below, every change to users (who, when, what), the
 * API tokens and the login lockouts. The service refuses what would lock the console out (the last
 * enabled admin, oneself); the view shows its reason.
 */
@Route(value = "users", layout = MainLayout.class)
@PageTitle("Users | Memberstream")
@Menu(order = MenuOrder.USERS, title = "Users", icon = "vaadin:users")
@RolesAllowed("ADMIN")
public class UsersView extends VerticalLayout {

    static final int SHOWN_CHANGES = 50;
    /** Below this window width (CSS pixels) the page is laid out for a phone, as the members page is. */
    static final int NARROW_WIDTH = 700;

    private final transient UserService users;
    final Grid<UserSummary> grid = new Grid<>();
    final Grid<UserChange> changes = new Grid<>();
    private final AddUserForm form = new AddUserForm();

    private final ApiTokensPanel tokens;

    public UsersView(UserService users, ApiTokenService tokens, LoginLockouts lockouts) {
        this.users = users;
        this.tokens = new ApiTokensPanel(tokens, users);
        addClassName("users-view");
        setWidthFull();
        configureGrid();
        configureChanges();
        form.addAddListener(event -> add(event.user()));
        add(new H2("Users"), new H3("Add a user"), form, grid, new H3("Changes to users"), changes, this.tokens,
                new LoginLockoutsPanel(lockouts));
        updateList();
    }

    /** On a phone the creation date gives way, so the actions fit beside name, role and state. */
    @Override
    protected void onAttach(AttachEvent attach) {
        attach.getUI().getPage().retrieveExtendedClientDetails(details -> adaptToWidth(details.getWindowInnerWidth()));
    }

    void adaptToWidth(int width) {
        grid.getColumnByKey("created").setVisible(width >= NARROW_WIDTH);
    }

    private void configureGrid() {
        grid.addColumn(UserSummary::username).setHeader("Username").setAutoWidth(true);
        grid.addColumn(user -> user.role().name()).setHeader("Role").setAutoWidth(true);
        grid.addComponentColumn(UsersView::stateBadge).setHeader("State").setKey("state").setAutoWidth(true);
        grid.addColumn(user -> ApiTokensPanel.WHEN.format(user.createdAt())).setHeader("Created")
                .setKey("created").setAutoWidth(true);
        // The buttons wrap within their cell on a phone (see styles.css) instead of pushing the column off-screen.
        grid.addComponentColumn(this::actions).setHeader("").setKey("actions").setWidth("14em").setFlexGrow(1);
        grid.addClassName("users-grid");
        grid.setWidthFull();
        grid.setHeight("20em");
    }

    private void configureChanges() {
        changes.addColumn(change -> ApiTokensPanel.WHEN.format(change.at())).setHeader("When").setAutoWidth(true);
        changes.addColumn(UserChange::actor).setHeader("By").setAutoWidth(true);
        changes.addColumn(UserChange::username).setHeader("User").setAutoWidth(true);
        changes.addColumn(change -> change.action() + (change.detail() == null ? "" : " (" + change.detail() + ")"))
                .setHeader("What").setFlexGrow(1);
        changes.addClassName("user-changes");
        changes.setWidthFull();
        changes.setHeight("14em");
    }

    private static Span stateBadge(UserSummary user) {
        var badge = new Span(user.enabled() ? "Enabled" : "Disabled");
        badge.getElement().getThemeList().add(user.enabled() ? "badge success pill" : "badge error pill");
        return badge;
    }

    private HorizontalLayout actions(UserSummary user) {
        boolean self = user.username().equalsIgnoreCase(CurrentUser.name());
        Role other = user.role() == Role.ADMIN ? Role.VIEWER : Role.ADMIN;
        var role = small(user.role() == Role.ADMIN ? "Make viewer" : "Make admin",
                () -> "Made " + user.username() + " " + article(other) + ".", () -> users.changeRole(user.username(),
                        other));
        var state = small(user.enabled() ? "Disable" : "Enable",
                () -> (user.enabled() ? "Disabled " : "Enabled ") + user.username() + ".",
                () -> users.setEnabled(user.username(), !user.enabled()));
        var reset = new Button("Reset password", click -> resetPassword(user));
        reset.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        var delete = new Button("Delete", click -> confirmDelete(user));
        delete.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        if (self) {
            for (Button own : new Button[] {role, state, delete}) {
                own.setEnabled(false);
                own.setTooltipText("Another admin can do this for you");
            }
        }
        var row = new HorizontalLayout(role, state, reset, delete);
        row.setSpacing(false);
        row.addClassName("user-actions");
        return row;
    }

    private Button small(String text, Supplier<String> done, Runnable change) {
        var button = new Button(text, click -> apply(change, done.get()));
        button.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        return button;
    }

    private void apply(Runnable change, String done) {
        try {
            change.run();
            ApiTokensPanel.notify(done, NotificationVariant.LUMO_SUCCESS);
        } catch (UserChangeRefusedException | UsernameNotFoundException refused) {
            ApiTokensPanel.notify(refused.getMessage(), NotificationVariant.LUMO_ERROR);
        }
        updateList();
    }

    private void confirmDelete(UserSummary user) {
        var dialog = new Dialog();
        dialog.setHeaderTitle("Delete " + user.username() + "?");
        dialog.add(new Paragraph("The user can no longer log in, its API tokens are revoked and its open pages end. "
                + "Its changes stay in the history."));
        var delete = new Button("Delete", click -> {
            dialog.close();
            apply(() -> users.delete(user.username()), "Deleted " + user.username() + ".");
            tokens.refresh();
        });
        delete.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        dialog.getFooter().add(new Button("Cancel", click -> dialog.close()), delete);
        dialog.open();
    }

    private void resetPassword(UserSummary user) {
        String password;
        try {
            password = users.resetPassword(user.username());
        } catch (UsernameNotFoundException gone) {
            ApiTokensPanel.notify(gone.getMessage(), NotificationVariant.LUMO_ERROR);
            updateList();
            return;
        }
        var dialog = new Dialog();
        dialog.setHeaderTitle("New password for " + user.username());
        var shown = new TextField("New password");
        shown.setValue(password);
        shown.setReadOnly(true);
        shown.setWidthFull();
        dialog.add(new Paragraph("Copy it now and give it to " + user.username()
                + ": it is stored only as a hash and cannot be shown again. The old password no longer works."),
                shown);
        dialog.getFooter().add(new Button("Done", click -> dialog.close()));
        dialog.setWidth("min(40em, 95vw)");
        dialog.open();
        updateList();
    }

    private void updateList() {
        grid.setItems(query -> users.list(VaadinSpringDataHelpers.toSpringPageRequest(query)).stream());
        changes.setItems(users.recentChanges(SHOWN_CHANGES));
    }

    private void add(NewUser user) {
        try {
            users.add(user);
            form.clear();
            updateList();
            tokens.refresh();
            ApiTokensPanel.notify("Added " + user.username() + " as " + user.role().name().toLowerCase(Locale.ROOT)
                    + ".", NotificationVariant.LUMO_SUCCESS);
        } catch (UsernameTakenException taken) {
            form.showUsernameError(taken.getMessage());
        } catch (ConstraintViolationException invalid) {
            ApiTokensPanel.notify("Not added: " + invalid.getConstraintViolations().iterator().next().getMessage(),
                    NotificationVariant.LUMO_ERROR);
        }
    }

    private static String article(Role role) {
        return role == Role.ADMIN ? "an admin" : "a viewer";
    }
}
