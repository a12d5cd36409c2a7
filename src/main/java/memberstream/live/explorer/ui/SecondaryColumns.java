package memberstream.live.explorer.ui;

import com.vaadin.flow.component.grid.Grid;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns of the explorer's grids that a phone does without (ARNs, hash keys, positions, times):
 * each panel registers them as it builds its grids, the view hides them all when the window is narrow,
 * so no grid scrolls sideways. UI-thread only.
 */
final class SecondaryColumns {

    /** Below this window width (CSS pixels) the secondary columns are hidden, as on the other pages. */
    static final int PHONE_WIDTH = 700;

    private final List<Grid.Column<?>> columns = new ArrayList<>();
    private boolean hidden;

    <T> Grid.Column<T> add(Grid.Column<T> column) {
        columns.add(column);
        column.setVisible(!hidden);
        return column;
    }

    void fitTo(int windowWidth) {
        hidden = windowWidth < PHONE_WIDTH;
        columns.forEach(column -> column.setVisible(!hidden));
    }
}
