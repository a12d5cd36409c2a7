package memberstream.base.ui;

import com.vaadin.flow.component.Component;
import java.util.function.Consumer;

/**
 * A small status a feature shows in the navbar of {@link MainLayout}, as a pill linking to one of its
 * views. A feature contributes one by declaring a Spring bean implementing this interface; the layout
 * shows every such bean (in {@code @Order}), so the base package never depends on a feature.
 * Implementations must be thread-safe: {@link #current()} is read on UI threads and listeners may be
 * called from any thread (the layout hands them to the UI with {@code UI.access}).
 */
public interface NavbarBadge {

    /** CSS class of the link, for the theme and for tests, e.g. {@code pending-events}. */
    String styleName();

    /** The view the badge links to. */
    Class<? extends Component> target();

    /** The status to show now. */
    Status current();

    /** Calls {@code listener} with each new status until the returned action is run. */
    Runnable subscribe(Consumer<Status> listener);

    /** What the pill says, how it looks, and the tooltip that explains it. */
    record Status(String text, Tone tone, String tooltip) {
    }

    /** The Lumo badge look: green when all is well, contrast when something waits for attention. */
    enum Tone {
        SUCCESS("badge success pill"),
        CONTRAST("badge contrast pill");

        private final String theme;

        Tone(String theme) {
            this.theme = theme;
        }

        String theme() {
            return theme;
        }
    }
}
