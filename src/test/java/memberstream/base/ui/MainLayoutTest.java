package memberstream.base.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.sidenav.SideNavItem;
import java.util.List;
import memberstream.AbstractViewTest;
import memberstream.security.ui.UsersView;
import memberstream.settings.ui.SettingsView;
import org.junit.jupiter.api.Test;

class MainLayoutTest extends AbstractViewTest {

    @Test
    void adminSeesSettingsAndUsersInTheDrawerAndTheirName() {
        loginAsAdmin();
        UI.getCurrent().navigate(SettingsView.class);

        assertThat(navLabels()).containsSubsequence("Members", "Settings", "Users");
        var user = _get(com.vaadin.flow.component.html.Anchor.class, spec -> spec.withClasses("user-name"));
        assertThat(user.getText()).isEqualTo("admin");
        assertThat(user.getHref()).isEqualTo("account");
        _get(Button.class, spec -> spec.withText("Log out"));
    }

    @Test
    void viewerDoesNotSeeUsers() {
        loginAsViewer();
        UI.getCurrent().navigate(SettingsView.class);

        assertThat(navLabels()).contains("Settings").doesNotContain("Users");
    }

    @Test
    void viewerCannotOpenUsersByUrl() {
        loginAsViewer();
        UI.getCurrent().navigate(UsersView.class);

        assertThat(_find(UsersView.class)).isEmpty();
        assertThat(_get(AccessDeniedView.class).getElement().getTextRecursively()).contains("needs the admin role");
    }

    @Test
    void drawerLinksPointToTheViews() {
        loginAsAdmin();
        UI.getCurrent().navigate(SettingsView.class);

        assertThat(_find(SideNavItem.class)).filteredOn(item -> item.getLabel().equals("Users"))
                .singleElement().extracting(SideNavItem::getPath).isEqualTo("users");
    }

    private static List<String> navLabels() {
        return _find(SideNavItem.class).stream().map(SideNavItem::getLabel).toList();
    }
}
