package memberstream.security.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.menubar.MenuBar;
import com.vaadin.flow.component.menubar.MenuBarVariant;
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
import java.util.List;
import java.util.Locale;
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
 * enabled admin, oneself); the view shows its reason. On a phone a row is the user (name, role and
 * state in one cell) and an Actions menu, so nothing needs a sideways scroll.
 */
@Route(value = "users", layout = MainLayout.class)
@PageTitle("Users | Memberstream")
@Menu(order = MenuOrder.USERS, title = "Users", icon = "vaadin:users")
@RolesAllowed("ADMIN")
public class UsersView extends VerticalLayout {

    static final int SHOWN_CHANGES = 50;
    /** Below this window width (CSS pixels) the page is laid out for a phone, as the members page is. */
    static final int NARROW_WIDTH = 700;
    private static final String OWN_ACCOUNT = "Another admin can do this for you";

    private final transient UserService users;
    final Grid<UserSummary> grid = new Grid<>();
    final Grid<UserChange> changes = new Grid<>();
    private final AddUserForm form = new AddUserForm();

    private final ApiTokensPanel tokens;
    private final LoginLockoutsPanel lockouts;

    public UsersView(UserService users, ApiTokenService tokens, LoginLockouts lockouts) {
        this.users = users;
        this.tokens = new ApiTokensPanel(tokens, users);
        addClassName("users-view");
        setWidthFull();
        configureGrid();
        configureChanges();
        form.addAddListener(event -> add(event.user()));
        this.lockouts = new LoginLockoutsPanel(lockouts);
        add(new H2("Users"), new H3("Add a user"), form, grid, new H3("Changes to users"), changes, this.tokens,
                this.lockouts);
        updateList();
    }

    /** On a phone the user's columns fold into one and the buttons into an Actions menu. */
    @Override
    protected void onAttach(AttachEvent attach) {
        attach.getUI().getPage().retrieveExtendedClientDetails(details -> adaptToWidth(details.getWindowInnerWidth()));
        attach.getUI().getPage().addBrowserWindowResizeListener(resize -> adaptToWidth(resize.getWidth()));
    }

    void adaptToWidth(int width) {
        boolean phone = width < NARROW_WIDTH;
        for (String wide : List.of("username", "role", "state", "created", "actions")) {
            grid.getColumnByKey(wide).setVisible(!phone);
        }
        grid.getColumnByKey("user").setVisible(phone);
        grid.getColumnByKey("menu").setVisible(phone);
        for (String wide : List.of("when", "by", "username", "what")) {
            changes.getColumnByKey(wide).setVisible(!phone);
        }
        changes.getColumnByKey("change").setVisible(phone);
        tokens.fitTo(phone);
        lockouts.fitTo(phone);
    }
    private void configureGrid() {
        grid.addColumn(UserSummary::username).setHeader("Username").setKey("username").setAutoWidth(true);
        grid.addColumn(user -> user.role().name()).setHeader("Role").setKey("role").setAutoWidth(true);
        grid.addComponentColumn(UsersView::stateBadge).setHeader("State").setKey("state").setAutoWidth(true);
        grid.addColumn(user -> ApiTokensPanel.WHEN.format(user.createdAt())).setHeader("Created")
                .setKey("created").setAutoWidth(true);
        grid.addComponentColumn(this::actions).setHeader("").setKey("actions").setWidth("14em").setFlexGrow(1);
        // a phone's two columns, shown instead of the five above
        grid.addComponentColumn(UsersView::compactUser).setHeader("User").setKey("user").setFlexGrow(1)
                .setVisible(false);
        grid.addComponentColumn(this::actionsMenu).setHeader("").setKey("menu").setAutoWidth(true).setFlexGrow(0)
                .setVisible(false);
        grid.addClassName("users-grid");
        grid.setWidthFull();
        grid.setHeight("20em");
    }

    private void configureChanges() {
        changes.addColumn(change -> ApiTokensPanel.WHEN.format(change.at())).setHeader("When").setKey("when")
                .setAutoWidth(true);
        changes.addColumn(UserChange::actor).setHeader("By").setKey("by").setAutoWidth(true);
        changes.addColumn(UserChange::username).setHeader("User").setKey("username").setAutoWidth(true);
        changes.addColumn(UsersView::what).setHeader("What").setKey("what").setFlexGrow(1);
        // a phone's one column, wrapped: when, who did what to whom
        changes.addColumn(change -> ApiTokensPanel.WHEN.format(change.at()) + " · " + change.actor() + " · "
                + change.username() + ": " + what(change)).setHeader("Change").setKey("change").setFlexGrow(1)
                .setVisible(false);
        changes.addThemeVariants(com.vaadin.flow.component.grid.GridVariant.LUMO_WRAP_CELL_CONTENT);
        changes.addClassName("user-changes");
        changes.setWidthFull();
        changes.setHeight("14em");
    }

    private static String what(UserChange change) {
        return change.action() + (change.detail() == null ? "" : " (" + change.detail() + ")");
    }

    private static Span stateBadge(UserSummary user) {
        var badge = new Span(user.enabled() ? "Enabled" : "Disabled");
        badge.getElement().getThemeList().add(user.enabled() ? "badge success pill" : "badge error pill");
        return badge;
    }

    /** One thing an admin can do to a user, shown as a button on a desktop and a menu item on a phone. */
    private record UserAction(String text, boolean enabled, boolean dangerous, Runnable run) {
    }

    private List<UserAction> actionsOf(UserSummary user) {
        boolean self = user.username().equalsIgnoreCase(CurrentUser.name());
        Role other = user.role() == Role.ADMIN ? Role.VIEWER : Role.ADMIN;
        return List.of(
                new UserAction(user.role() == Role.ADMIN ? "Make viewer" : "Make admin", !self, false,
                        () -> apply(() -> users.changeRole(user.username(), other),
                                "Made " + user.username() + " " + article(other) + ".")),
                new UserAction(user.enabled() ? "Disable" : "Enable", !self, false,
                        () -> apply(() -> users.setEnabled(user.username(), !user.enabled()),
                                (user.enabled() ? "Disabled " : "Enabled ") + user.username() + ".")),
                new UserAction("Reset password", true, false, () -> resetPassword(user)),
                new UserAction("Delete", !self, true, () -> confirmDelete(user)));
    }

    private HorizontalLayout actions(UserSummary user) {
        var row = new HorizontalLayout();
        for (UserAction action : actionsOf(user)) {
            var button = new Button(action.text(), click -> action.run().run());
            button.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            if (action.dangerous()) {
                button.addThemeVariants(ButtonVariant.LUMO_ERROR);
            }
            button.setEnabled(action.enabled());
            if (!action.enabled()) {
                button.setTooltipText(OWN_ACCOUNT);
            }
            row.add(button);
        }
        row.setSpacing(false);
        row.addClassName("user-actions");
        return row;
    }

    /** The same actions behind one button: a menu bar opens with Enter or the arrow keys and is walked with them. */
    private MenuBar actionsMenu(UserSummary user) {
        var menu = new MenuBar();
        menu.addThemeVariants(MenuBarVariant.LUMO_SMALL, MenuBarVariant.LUMO_TERTIARY);
        menu.addClassName("user-actions-menu");
        var root = menu.addItem("Actions");
        root.setAriaLabel("Actions for " + user.username());
        for (UserAction action : actionsOf(user)) {
            var item = root.getSubMenu().addItem(action.enabled() ? action.text() : action.text() + " (not yourself)",
                    click -> action.run().run());
            item.setEnabled(action.enabled());
            if (action.dangerous()) {
                item.addClassName("danger");
            }
        }
        return menu;
    }

    /** A phone's one cell for a user: the name, and below it the role and whether the user is enabled. */
    private static Div compactUser(UserSummary user) {
        var name = new Span(user.username());
        name.addClassName("user-compact-name");
        var facts = new Span(user.role().name().toLowerCase(Locale.ROOT) + " · " + (user.enabled() ? "enabled"
                : "disabled"));
        facts.addClassName("user-compact-facts");
        if (!user.enabled()) {
            facts.addClassName("disabled");
        }
        var cell = new Div(name, facts);
        cell.addClassName("user-compact");
        return cell;
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
