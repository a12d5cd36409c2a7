package memberstream.base.ui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.Scroller;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.router.RouteAlias;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.server.menu.MenuEntry;
import com.vaadin.flow.spring.security.AuthenticationContext;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The frame around every view: the app title, a drawer listing the views this user may open (the
 * current one highlighted; on a phone the drawer is an overlay opened by the toggle), and who is
 * logged in (a link to their account) with a logout button, after the features' {@link NavbarBadge}s. The drawer is built from the views' {@code @Menu}
 * annotations, filtered by their access annotations ({@code @RolesAllowed}, {@code @PermitAll}), so
 * a feature adds itself by annotating its view: {@code @Route(value = "...", layout = MainLayout.class)}
 * plus {@code @Menu(order = MenuOrder.X, title = "...", icon = "vaadin:...")}.
 */
public class MainLayout extends AppLayout implements AfterNavigationObserver {

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
            // highlighted at its aliases too: the members view is also the start page "/"
            item.setPathAliases(Arrays.stream(entry.menuClass().getAnnotationsByType(RouteAlias.class))
                    .map(RouteAlias::value).collect(Collectors.toSet()));
            if (entry.icon() != null && !entry.icon().isBlank()) {
                item.setPrefixComponent(new Icon(entry.icon()));
            }
            nav.addItem(item);
        }
        return nav;
    }

    /**
     * Spring Security's redirect after login lands on {@code /?continue}; the query would keep the
     * drawer from highlighting the start page, so the address bar drops it.
     */
    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        var location = event.getLocation();
        if (location.getQueryParameters().getParameters().containsKey("continue")) {
            UI.getCurrent().getPage().getHistory().replaceState(null, location.getPath());
        }
    }

    private HorizontalLayout userBar(ObjectProvider<NavbarBadge> badges) {
        var bar = new HorizontalLayout();
        badges.orderedStream().map(NavbarBadgeLink::new).forEach(bar::add);
        bar.addClassName("user-bar");
        bar.setAlignItems(HorizontalLayout.Alignment.CENTER);
        authentication.getPrincipalName().ifPresent(name -> {
            var user = new Anchor("account", name);
            user.addClassName("user-name");
            user.getElement().setAttribute("title", "My account: change my password");
            var logout = new Button("Log out", click -> authentication.logout());
            logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            bar.add(user, logout);
        });
        return bar;
    }
}
