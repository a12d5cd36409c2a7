package memberstream.member.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns a burst of "members changed" signals into few refreshes of one UI: at most one is scheduled
 * at a time, and refreshes are at least {@code intervalMillis} apart; a signal during a refresh
 * schedules the next. The refresh runs under the UI's lock ({@code UI.access}), pushed to the browser.
 * Thread-safe: {@link #signal()} may be called from any thread.
 */
final class CoalescedRefresh {

    private final UI ui;
    private final Runnable refresh;
    private final MemberChangeBroadcaster timer;
    private final long intervalMillis;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile long lastRefreshNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    CoalescedRefresh(UI ui, Runnable refresh, MemberChangeBroadcaster timer, long intervalMillis) {
        this.ui = ui;
        this.refresh = refresh;
        this.timer = timer;
        this.intervalMillis = intervalMillis;
    }

    void signal() {
        if (pending.compareAndSet(false, true)) {
            long sinceLast = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastRefreshNanos);
            timer.later(this::refreshInUi, Math.max(0, intervalMillis - sinceLast));
        }
    }

    private void refreshInUi() {
        try {
            ui.access(() -> {
                pending.set(false);
                lastRefreshNanos = System.nanoTime();
                refresh.run();
            });
        } catch (UIDetachedException closed) {
            pending.set(false);
        }
    }
}
