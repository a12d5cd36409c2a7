package memberstream.security.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.router.QueryParameters;
import java.util.Map;
import memberstream.AbstractViewTest;
import memberstream.base.ui.MainLayout;
import org.junit.jupiter.api.Test;

class LoginViewTest extends AbstractViewTest {

    @Test
    void anonymousVisitorsSeeTheFormWithoutTheMainLayout() {
        UI.getCurrent().navigate(LoginView.class);

        assertThat(_get(LoginForm.class).getAction()).isEqualTo("login");
        assertThat(_get(LoginForm.class).isError()).isFalse();
        _assertNone(MainLayout.class);
    }

    @Test
    void aFailedLoginShowsTheError() {
        UI.getCurrent().navigate("login", QueryParameters.simple(Map.of("error", "")));

        assertThat(_get(LoginForm.class).isError()).isTrue();
    }

    @Test
    void aLoggedInUserGoesOnToTheStartPage() {
        loginAsViewer();

        UI.getCurrent().navigate(LoginView.class);

        _assertNone(LoginView.class);
        _get(MainLayout.class);
        assertThat(UI.getCurrent().getInternals().getActiveViewLocation().getPath()).isEmpty();
    }
}
