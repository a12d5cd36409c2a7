package memberstream.live.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import memberstream.live.Attempted;
import memberstream.live.AwsErrors;

/**
 * The one way a live view calls Kinesis, Firehose or S3: the call runs, its throttled attempts and
 * the retries that followed are written to an activity list (when the view has one), and its outcome
 * is reported the same way for every action: a green notification naming what was done, an amber one
 * when it succeeded only after throttling, a red one saying why it failed. UI-thread only.
 */
public final class SinkCalls {

    private static final int ACTIVITY_LINES = 12;

    private final Clock clock;
    private final Div activity;

    /** Calls that report through notifications only. */
    public SinkCalls(Clock clock) {
        this(clock, null);
    }

    /** Calls that are also written, newest first, to {@code activity}. */
    public SinkCalls(Clock clock, Div activity) {
        this.clock = clock;
        this.activity = activity;
    }

    /**
     * Runs {@code action} and hands its value to {@code then}; {@code done} (may be null) is the
     * success message shown. Returns whether the call succeeded: on failure {@code then} is skipped.
     */
    public <T> boolean call(String what, Supplier<Attempted<T>> action, Consumer<T> then, String done) {
        Attempted<T> result;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            String message = AwsErrors.describe(e);
            List<String> retries = e instanceof Attempted.ThrottledException t ? t.retries() : List.of();
            log(what + ": failed: " + message, retries);
            error(what + " failed. " + message);
            return false;
        }
        log(what + ": done" + (result.throttled() ? " after " + result.retries().size() + " throttled attempt(s)" : ""),
                result.retries());
        then.accept(result.value());
        if (result.throttled()) {
            Notification.show((done == null ? what + ": done" : done) + " (throttled " + result.retries().size()
                            + " time(s), succeeded on retry)", 6000, Notification.Position.BOTTOM_START)
                    .addThemeVariants(NotificationVariant.LUMO_WARNING);
        } else if (done != null) {
            success(done);
        }
        return true;
    }

    /** A read whose outcome is shown in place: no notification on success. */
    public <T> boolean read(String what, Supplier<Attempted<T>> action, Consumer<T> then) {
        return call(what, action, then, null);
    }

    public void log(String line, List<String> retries) {
        if (activity == null) {
            return;
        }
        Div entry = new Div();
        entry.addClassName("activity-entry");
        entry.add(new Div(Formats.TIME.format(clock.instant()) + "  " + line));
        for (String retry : retries) {
            Div r = new Div("  ↻ " + retry);
            r.addClassName("activity-retry");
            entry.add(r);
        }
        activity.addComponentAsFirst(entry);
        while (activity.getComponentCount() > ACTIVITY_LINES) {
            activity.remove(activity.getComponentAt(activity.getComponentCount() - 1));
        }
    }

    public static void success(String message) {
        Notification.show(message, 4000, Notification.Position.BOTTOM_START).addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }

    public static void error(String message) {
        Notification.show(message, 8000, Notification.Position.MIDDLE).addThemeVariants(NotificationVariant.LUMO_ERROR);
    }
}
