package memberstream.base.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.RouterLink;

/** One {@link NavbarBadge} on screen: a link holding a pill, kept current by push while attached. */
public class NavbarBadgeLink extends RouterLink {

    private final Span pill = new Span();
    private Runnable unsubscribe = () -> { };

    NavbarBadgeLink(NavbarBadge badge) {
        setRoute(badge.target());
        addClassName(badge.styleName());
        add(pill);
        show(badge.current());
        addAttachListener(attach -> {
            UI ui = attach.getUI();
            unsubscribe = badge.subscribe(status -> ui.access(() -> show(status)));
            show(badge.current());
        });
        addDetachListener(detach -> unsubscribe.run());
    }

    private void show(NavbarBadge.Status status) {
        pill.setText(status.text());
        pill.getElement().getThemeList().clear();
        pill.getElement().getThemeList().add(status.tone().theme());
        getElement().setAttribute("title", status.tooltip());
    }
}
