package memberstream.security.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolationException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.security.ApiTokenService;
import memberstream.security.LoginLockouts;
import memberstream.security.NewUser;
import memberstream.security.UserService;
import memberstream.security.UserSummary;
import memberstream.security.UsernameTakenException;

/** Admins list the console's users and add new ones, manage API tokens and lift login lockouts. */
@Route(value = "users", layout = MainLayout.class)
@PageTitle("Users | Memberstream")
@Menu(order = MenuOrder.USERS, title = "Users", icon = "vaadin:users")
@RolesAllowed("ADMIN")
public class UsersView extends VerticalLayout {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final UserService users;
    private final Grid<UserSummary> grid = new Grid<>();
    private final AddUserForm form = new AddUserForm();

    private final ApiTokensPanel tokens;

    public UsersView(UserService users, ApiTokenService tokens, LoginLockouts lockouts) {
        this.users = users;
        this.tokens = new ApiTokensPanel(tokens, users);
        addClassName("users-view");
        setWidthFull();
        configureGrid();
        form.addAddListener(event -> add(event.user()));
        add(new H2("Users"), new H3("Add a user"), form, grid, this.tokens, new LoginLockoutsPanel(lockouts));
        updateList();
    }

    private void configureGrid() {
        grid.addColumn(UserSummary::username).setHeader("Username");
        grid.addColumn(user -> user.role().name()).setHeader("Role");
        grid.addColumn(user -> WHEN.format(user.createdAt())).setHeader("Created");
        grid.addClassName("users-grid");
        grid.setWidthFull();
        grid.setHeight("20em");
    }

    private void updateList() {
        grid.setItems(query -> users.list(VaadinSpringDataHelpers.toSpringPageRequest(query)).stream());
    }

    private void add(NewUser user) {
        try {
            users.add(user);
            form.clear();
            updateList();
            tokens.refresh();
            notify("Added " + user.username() + " as " + user.role().name().toLowerCase() + ".",
                    NotificationVariant.LUMO_SUCCESS);
        } catch (UsernameTakenException taken) {
            form.showUsernameError(taken.getMessage());
        } catch (ConstraintViolationException invalid) {
            notify("Not added: " + invalid.getConstraintViolations().iterator().next().getMessage(),
                    NotificationVariant.LUMO_ERROR);
        }
    }

    private static void notify(String text, NotificationVariant variant) {
        Notification notification = Notification.show(text, 5000, Notification.Position.BOTTOM_START);
        notification.addThemeVariants(variant);
    }
}
