package memberstream.base.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.Scroller;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.server.menu.MenuEntry;
import com.vaadin.flow.spring.security.AuthenticationContext;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The frame around every view: the app title, a drawer listing the views this user may open, and
 * who is logged in with a logout button, after the features' {@link NavbarBadge}s. The drawer is built from the views' {@code @Menu}
 * annotations, filtered by their access annotations ({@code @RolesAllowed}, {@code @PermitAll}), so
 * a feature adds itself by annotating its view: {@code @Route(value = "...", layout = MainLayout.class)}
 * plus {@code @Menu(order = MenuOrder.X, title = "...", icon = "vaadin:...")}.
 */
public class MainLayout extends AppLayout {

    private final transient AuthenticationContext authentication;

    public MainLayout(AuthenticationContext authentication, ObjectProvider<NavbarBadge> badges) {
        this.authentication = authentication;
        setPrimarySection(Section.DRAWER);
        addToNavbar(true, new DrawerToggle(), userBar(badges));
        addToDrawer(appTitle(), new Scroller(navigation()));
    }

    private H1 appTitle() {
        var title = new H1("Memberstream");
        title.addClassName("app-title");
        return title;
    }

    private SideNav navigation() {
        var nav = new SideNav();
        nav.addClassName("app-nav");
        for (MenuEntry entry : MenuConfiguration.getMenuEntries()) {
            var item = new SideNavItem(entry.title(), entry.path());
            if (entry.icon() != null && !entry.icon().isBlank()) {
                item.setPrefixComponent(new Icon(entry.icon()));
            }
            nav.addItem(item);
        }
        return nav;
    }

    private HorizontalLayout userBar(ObjectProvider<NavbarBadge> badges) {
        var bar = new HorizontalLayout();
        badges.orderedStream().map(NavbarBadgeLink::new).forEach(bar::add);
        bar.addClassName("user-bar");
        bar.setAlignItems(HorizontalLayout.Alignment.CENTER);
        authentication.getPrincipalName().ifPresent(name -> {
            var user = new Span(name);
            user.addClassName("user-name");
            var logout = new Button("Log out", click -> authentication.logout());
            logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            bar.add(user, logout);
        });
        return bar;
    }
}
