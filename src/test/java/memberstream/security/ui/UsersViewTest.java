package memberstream.security.ui;

import static com.github.mvysny.kaributesting.v10.ContextMenuKt._clickItemWithCaption;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow;
import static com.github.mvysny.kaributesting.v10.GridKt._getCellComponent;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.menubar.MenuBar;
import com.vaadin.flow.component.contextmenu.MenuItem;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.security.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;

class UsersViewTest extends AbstractViewTest {

    @Autowired
    UserDetailsService userDetails;

    @Autowired
    PasswordEncoder passwordEncoder;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    memberstream.security.UserService users;

    @Test
    void adminAddsAViewerWhoCanThenLogIn() {
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);
        String name = "carol-" + UUID.randomUUID().toString().substring(0, 8);

        fillIn(name, "correct-horse-battery", Role.VIEWER);
        _click(_get(Button.class, spec -> spec.withText("Add user")));

        var stored = userDetails.loadUserByUsername(name);
        assertThat(passwordEncoder.matches("correct-horse-battery", stored.getPassword())).isTrue();
        assertThat(stored.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_VIEWER");
        assertThat(gridUsernames()).contains(name);
        assertThat(_get(TextField.class, spec -> spec.withLabel("Username")).getValue()).isEmpty();
    }

    @Test
    void onAPhoneAUserIsOneCellAndTheActionsAMenuThatWorks() {
        String name = "phone-" + UUID.randomUUID().toString().substring(0, 8);
        memberstream.TestUsers.ensure(userDetails, users, name, Role.VIEWER);
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);
        UsersView view = _get(UsersView.class);
        int row = gridUsernames().indexOf(name); // formatted rows have only the visible columns
        int own = gridUsernames().indexOf(memberstream.ConsoleTest.ADMIN_USERNAME);

        view.adaptToWidth(390);
        assertThat(view.grid.getColumns()).filteredOn(Grid.Column::isVisible).extracting(Grid.Column::getKey)
                .containsExactly("user", "menu");
        var cell = (com.vaadin.flow.component.html.Div) _getCellComponent(view.grid, row, "user");
        assertThat(cell.getElement().getTextRecursively()).contains(name, "viewer · enabled");
        var menu = (MenuBar) _getCellComponent(view.grid, row, "menu");
        var actions = menu.getItems().get(0);
        assertThat(actions.getText()).isEqualTo("Actions");
        assertThat(actions.getSubMenu().getItems()).extracting(MenuItem::getText)
                .containsExactly("Make admin", "Disable", "Reset password", "Delete");
        _clickItemWithCaption(menu, "Disable");
        assertThat(jdbc.queryForObject("select enabled from users where username = ?", Boolean.class, name)).isFalse();

        var ownMenu = (MenuBar) _getCellComponent(view.grid, own, "menu");
        assertThat(ownMenu.getItems().get(0).getSubMenu().getItems()).filteredOn(item -> !item.isEnabled())
                .extracting(MenuItem::getText).containsExactly("Make viewer (not yourself)", "Disable (not yourself)",
                        "Delete (not yourself)");

        view.adaptToWidth(1440);
        assertThat(view.grid.getColumns()).filteredOn(Grid.Column::isVisible).extracting(Grid.Column::getKey)
                .containsExactly("username", "role", "state", "created", "actions");
    }

    @Test
    void theUsernameAndPasswordCountTheirLengthAtEveryKeystroke() {
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);
        TextField username = _get(TextField.class, spec -> spec.withLabel("Username"));
        PasswordField password = _get(PasswordField.class, spec -> spec.withLabel("Password"));
        assertThat(username.getHelperText()).isEqualTo("0/64");
        assertThat(password.getHelperText()).isEqualTo("0/72 (at least 12)");
        assertThat(username.getValueChangeMode()).isEqualTo(com.vaadin.flow.data.value.ValueChangeMode.EAGER);
        assertThat(password.getValueChangeMode()).isEqualTo(com.vaadin.flow.data.value.ValueChangeMode.EAGER);

        _setValue(username, "carol");
        _setValue(password, "x".repeat(80));
        assertThat(username.getHelperText()).isEqualTo("5/64");
        assertThat(password.getHelperText()).isEqualTo("80/72 (8 too many)");
        assertThat(password.getValue()).as("kept, not cut").hasSize(80);
        _click(_get(Button.class, spec -> spec.withText("Add user")));
        assertThat(password.isInvalid()).isTrue();
        _setValue(password, "correct-horse");
        assertThat(password.getHelperText()).isEqualTo("13/72");
    }

    @Test
    void duplicateUsernameIsAFieldError() {
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);

        fillIn("ADMIN", "another-long-password", Role.ADMIN);
        _click(_get(Button.class, spec -> spec.withText("Add user")));

        TextField username = _get(TextField.class, spec -> spec.withLabel("Username"));
        assertThat(username.isInvalid()).isTrue();
        assertThat(username.getErrorMessage()).contains("already taken");
    }

    @Test
    void shortPasswordIsAFieldError() {
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);
        String name = "dave-" + UUID.randomUUID().toString().substring(0, 8);

        fillIn(name, "short", Role.VIEWER);
        _click(_get(Button.class, spec -> spec.withText("Add user")));

        PasswordField password = _get(PasswordField.class, spec -> spec.withLabel("Password"));
        assertThat(password.isInvalid()).isTrue();
        assertThat(password.getErrorMessage()).isEqualTo("Use 12 to 72 characters");
        assertThat(gridUsernames()).doesNotContain(name);
    }

    @Test
    @SuppressWarnings("unchecked")
    void adminCreatesATokenSeesItOnceThenRevokesIt() {
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);
        String label = "nightly-" + UUID.randomUUID().toString().substring(0, 8);

        _setValue(_get(ComboBox.class, spec -> spec.withLabel("User")), "admin");
        _setValue(_get(TextField.class, spec -> spec.withLabel("Token name (optional)")), label);
        _click(_get(Button.class, spec -> spec.withText("Create token")));

        Dialog shown = _get(Dialog.class);
        String token = _get(shown, TextField.class, spec -> spec.withLabel("Token")).getValue();
        assertThat(token).startsWith("mst_").hasSize(47);
        Grid<Object> tokens = tokenGrid();
        int row = rowOf(tokens, label);
        assertThat(_getFormattedRow(tokens, row)).contains("admin", "never");
        assertThat(String.join(" ", _getFormattedRow(tokens, row))).doesNotContain(token);

        _click((Button) _getCellComponent(tokens, row, "revoke"));

        assertThat(rowOf(tokenGrid(), label)).isNegative();
        assertThat(jdbc.queryForObject("select count(*) from api_tokens where name = ?", Integer.class, label)).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void adminSeesALockoutAndLiftsIt() {
        String name = "locked-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        jdbc.update("insert into login_failures (kind, subject, failures, last_failure_at, blocked_until) "
                + "values ('USERNAME', ?, 10, ?, ?)", name, now.atOffset(ZoneOffset.UTC),
                now.plus(15, ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC));
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);

        Grid<Object> lockouts = lockoutGrid();
        int row = rowOf(lockouts, name);
        assertThat(_getFormattedRow(lockouts, row)).contains("User name", "10", "locked");

        _click((Button) _getCellComponent(lockouts, row, "lift"));

        assertThat(rowOf(lockoutGrid(), name)).isNegative();
        assertThat(jdbc.queryForObject("select count(*) from login_failures where subject = ?", Integer.class, name))
                .isZero();
    }

    @SuppressWarnings("unchecked")
    private static Grid<Object> tokenGrid() {
        return (Grid<Object>) (Grid<?>) _get(ApiTokensPanel.class).grid;
    }

    @SuppressWarnings("unchecked")
    private static Grid<Object> lockoutGrid() {
        return (Grid<Object>) (Grid<?>) _get(LoginLockoutsPanel.class).grid;
    }

    private static int rowOf(Grid<Object> grid, String text) {
        for (int row = 0; row < _size(grid); row++) {
            if (_getFormattedRow(grid, row).contains(text)) {
                return row;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static void fillIn(String username, String password, Role role) {
        _setValue(_get(TextField.class, spec -> spec.withLabel("Username")), username);
        _setValue(_get(PasswordField.class, spec -> spec.withLabel("Password")), password);
        _setValue(_get(Select.class, spec -> spec.withLabel("Role")), role);
    }

    @SuppressWarnings("unchecked")
    private static List<String> gridUsernames() {
        Grid<Object> grid = _get(Grid.class, spec -> spec.withClasses("users-grid"));
        List<String> names = new ArrayList<>();
        for (int row = 0; row < _size(grid); row++) {
            names.add(_getFormattedRow(grid, row).get(0));
        }
        return names;
    }
}
