package memberstream.security.ui;

import static com.github.mvysny.kaributesting.v10.GridKt._getCellComponent;
import static com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.TestUsers;
import memberstream.base.ui.AccessDeniedView;
import memberstream.security.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The Users page's actions on a user, the audit shown below, one's own password, and the page a viewer gets. */
class UserActionsViewTest extends AbstractViewTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PasswordEncoder passwordEncoder;

    @Autowired
    org.springframework.security.core.userdetails.UserDetailsService userDetails;

    @Autowired
    memberstream.security.UserService users;

    @Test
    void adminDisablesEnablesPromotesAndDeletesAUserAndSeesEachChangeAudited() {
        String name = "acted-" + UUID.randomUUID().toString().substring(0, 8);
        TestUsers.ensure(userDetails, users, name, Role.VIEWER);
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);

        _click(button(name, "Disable"));
        assertThat(row(name)).contains("Disabled");
        assertThat(jdbc.queryForObject("select enabled from users where username = ?", Boolean.class, name)).isFalse();
        _click(button(name, "Enable"));
        _click(button(name, "Make admin"));
        assertThat(row(name)).contains("ADMIN", "Enabled");
        _click(button(name, "Delete"));
        _click(_get(_get(Dialog.class), Button.class, spec -> spec.withText("Delete")));

        assertThat(rowIndex(name)).isNegative();
        var changes = _get(UsersView.class).changes;
        assertThat(_getFormattedRow(changes, 0)).contains(ADMIN, name, "deleted (was admin)");
        assertThat(_getFormattedRow(changes, 1)).contains(name, "role changed (viewer → admin)");
        assertThat(_getFormattedRow(changes, 2)).contains(name, "enabled");
        assertThat(_getFormattedRow(changes, 3)).contains(name, "disabled");
    }

    @Test
    void aResetPasswordIsShownOnceAndWorks() {
        String name = "reset-" + UUID.randomUUID().toString().substring(0, 8);
        TestUsers.ensure(userDetails, users, name, Role.VIEWER);
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);

        _click(button(name, "Reset password"));

        String shown = _get(_get(Dialog.class), TextField.class, spec -> spec.withLabel("New password")).getValue();
        String hash = jdbc.queryForObject("select password_hash from users where username = ?", String.class, name);
        assertThat(passwordEncoder.matches(shown, hash)).isTrue();
    }

    @Test
    void anAdminCannotDisableOrDeleteThemself() {
        loginAsAdmin();
        UI.getCurrent().navigate(UsersView.class);

        assertThat(button(ADMIN, "Disable").isEnabled()).isFalse();
        assertThat(button(ADMIN, "Delete").isEnabled()).isFalse();
        assertThat(button(ADMIN, "Reset password").isEnabled()).isTrue();
    }

    @Test
    void aViewerOpeningUsersGetsAPageSayingItNeedsTheAdminRole() {
        loginAsViewer();

        UI.getCurrent().navigate("users");

        assertThat(_get(AccessDeniedView.class)).isNotNull();
        assertThat(_get(H2.class).getText()).isEqualTo("This page needs the admin role");
    }

    @Test
    void theNewPasswordFieldsCountTheirLength() {
        loginAsViewer();
        UI.getCurrent().navigate(AccountView.class);
        var next = _get(PasswordField.class, spec -> spec.withLabel("New password"));
        var repeat = _get(PasswordField.class, spec -> spec.withLabel("New password again"));
        assertThat(next.getHelperText()).isEqualTo("0/72 (at least 12)");

        _setValue(next, "short");
        _setValue(repeat, "y".repeat(73));
        assertThat(next.getHelperText()).isEqualTo("5/72 (at least 12)");
        assertThat(repeat.getHelperText()).isEqualTo("73/72 (1 too many)");
    }

    @Test
    void aUserChangesTheirOwnPassword() {
        String name = "own-" + UUID.randomUUID().toString().substring(0, 8);
        login(name, Role.VIEWER);
        UI.getCurrent().navigate(AccountView.class);

        _setValue(_get(PasswordField.class, spec -> spec.withLabel("Current password")), "wrong-password");
        _setValue(_get(PasswordField.class, spec -> spec.withLabel("New password")), "brand-new-password");
        _setValue(_get(PasswordField.class, spec -> spec.withLabel("New password again")), "brand-new-password");
        _click(_get(Button.class, spec -> spec.withText("Change password")));
        var current = _get(PasswordField.class, spec -> spec.withLabel("Current password"));
        assertThat(current.isInvalid()).isTrue();
        assertThat(current.getErrorMessage()).contains("not right");

        _setValue(current, TestUsers.PASSWORD);
        _click(_get(Button.class, spec -> spec.withText("Change password")));

        String hash = jdbc.queryForObject("select password_hash from users where username = ?", String.class, name);
        assertThat(passwordEncoder.matches("brand-new-password", hash)).isTrue();
    }

    private static final String ADMIN = memberstream.ConsoleTest.ADMIN_USERNAME;

    private static String row(String name) {
        return String.join(" ", _getFormattedRow(_get(UsersView.class).grid, rowIndex(name)));
    }

    private static int rowIndex(String name) {
        var grid = _get(UsersView.class).grid;
        for (int row = 0; row < _size(grid); row++) {
            if (_getFormattedRow(grid, row).get(0).equals(name)) {
                return row;
            }
        }
        return -1;
    }

    private static Button button(String name, String text) {
        Component actions = _getCellComponent(_get(UsersView.class).grid, rowIndex(name), "actions");
        return _get(actions, Button.class, spec -> spec.withText(text));
    }
}
