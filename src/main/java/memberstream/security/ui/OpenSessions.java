package memberstream.security.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import memberstream.security.AccountChanged;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The console pages (UIs) open on this console, by user, so that an admin's change to a user
 * ({@link AccountChanged}: disabled, deleted, another role) sends that user's pages to the login at
 * once, over push. The login request then meets the account filter, which ends the session. A UI is
 * remembered from its creation until it is detached. Thread-safe (concurrent map of concurrent sets).
 */
@Component
class OpenSessions implements VaadinServiceInitListener {

    private final Map<String, Set<UI>> uisByUser = new ConcurrentHashMap<>();

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addUIInitListener(init -> {
            var authentication = SecurityContextHolder.getContext().getAuthentication();
            if (authentication == null || !authentication.isAuthenticated()
                    || authentication instanceof AnonymousAuthenticationToken) {
                return;
            }
            String user = key(authentication.getName());
            UI ui = init.getUI();
            uisByUser.computeIfAbsent(user, name -> ConcurrentHashMap.newKeySet()).add(ui);
            ui.addDetachListener(detach -> uisByUser.computeIfPresent(user, (name, uis) -> {
                uis.remove(ui);
                return uis.isEmpty() ? null : uis;
            }));
        });
    }

    @EventListener
    void accountChanged(AccountChanged changed) {
        Set<UI> uis = uisByUser.remove(key(changed.username()));
        if (uis != null) {
            for (UI ui : uis) {
                try {
                    ui.access(() -> ui.getPage().setLocation("login"));
                } catch (UIDetachedException closedMeanwhile) {
                    // nothing left to end
                }
            }
        }
    }

    /** How many pages of {@code username} are open here (for tests). */
    int openFor(String username) {
        Set<UI> uis = uisByUser.get(key(username));
        return uis == null ? 0 : uis.size();
    }

    private static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
