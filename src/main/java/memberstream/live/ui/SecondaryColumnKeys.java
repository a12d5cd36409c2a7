package memberstream.live.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.grid.Grid;

/**
 * Columns a phone does without, marked by a key starting with {@link #PREFIX}: {@link #fitTo} shows or
 * hides them in every grid under a view (also grids hidden for now), so that no grid scrolls sideways on
 * a phone. UI-thread only.
 */
public final class SecondaryColumnKeys {

    public static final String PREFIX = "secondary-";
    /** Below this window width (CSS pixels) the secondary columns are hidden, as on the other pages. */
    public static final int PHONE_WIDTH = 700;

    private SecondaryColumnKeys() {
    }

    public static void fitTo(Component root, int windowWidth) {
        boolean phone = windowWidth < PHONE_WIDTH;
        if (root instanceof Grid<?> grid) {
            grid.getColumns().stream().filter(column -> column.getKey() != null && column.getKey().startsWith(PREFIX))
                    .forEach(column -> column.setVisible(!phone));
        }
        root.getChildren().forEach(child -> fitTo(child, windowWidth));
    }
}
