package memberstream.security.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.router.QueryParameters;
import java.util.List;
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
    void aThrottledLoginSaysHowLongToWait() {
        UI.getCurrent().navigate("login", QueryParameters.simple(Map.of("locked", "900")));

        LoginForm form = _get(LoginForm.class);
        assertThat(form.isError()).isTrue();
        String i18n = form.getElement().getPropertyRaw("i18n").toString();
        assertThat(i18n).contains("Too many failed logins").contains("Try again in 15 minutes");
    }

    @Test
    void theWaitReadsWellAndIgnoresNonsense() {
        assertThat(LoginView.waitInWords(List.of("1"))).isEqualTo("1 second");
        assertThat(LoginView.waitInWords(List.of("16"))).isEqualTo("16 seconds");
        assertThat(LoginView.waitInWords(List.of("512"))).isEqualTo("9 minutes");
        assertThat(LoginView.waitInWords(List.of("-5"))).isEqualTo("a few minutes");
        assertThat(LoginView.waitInWords(List.of("<script>"))).isEqualTo("a few minutes");
        assertThat(LoginView.waitInWords(List.of())).isEqualTo("a few minutes");
    }

    @Test
    void aLoggedInUserGoesOnToTheStartPage() {
        loginAsViewer();

        UI.getCurrent().navigate(LoginView.class);

        _assertNone(LoginView.class);
        _get(MainLayout.class);
        assertThat(UI.getCurrent().getInternals().getActiveViewLocation().getPath()).isEqualTo("members");
    }
}
