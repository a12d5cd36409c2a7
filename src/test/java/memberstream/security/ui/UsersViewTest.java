package memberstream.security.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.security.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;

class UsersViewTest extends AbstractViewTest {

    @Autowired
    UserDetailsService userDetails;

    @Autowired
    PasswordEncoder passwordEncoder;

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

    @SuppressWarnings("unchecked")
    private static void fillIn(String username, String password, Role role) {
        _setValue(_get(TextField.class, spec -> spec.withLabel("Username")), username);
        _setValue(_get(PasswordField.class, spec -> spec.withLabel("Password")), password);
        _setValue(_get(Select.class, spec -> spec.withLabel("Role")), role);
    }

    @SuppressWarnings("unchecked")
    private static List<String> gridUsernames() {
        Grid<Object> grid = _get(Grid.class);
        List<String> names = new ArrayList<>();
        for (int row = 0; row < _size(grid); row++) {
            names.add(_getFormattedRow(grid, row).get(0));
        }
        return names;
    }
}
