package memberstream.forwarding;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The number of events committed and not yet delivered, counted once every two seconds for all
 * screens together (one indexed count, however many browsers are open), with listeners told when it
 * changes. Listeners are called on the scheduler thread. Thread-safe.
 */
public class UndeliveredEvents {

    private final EventLogService eventLog;
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private volatile long count = -1;

    UndeliveredEvents(EventLogService eventLog) {
        this.eventLog = eventLog;
    }

    /** The latest count (counted now if nobody has asked yet). */
    public long count() {
        long known = count;
        return known >= 0 ? known : refresh();
    }

    /** Calls {@code listener} with each new count until the returned action is run. */
    public Runnable subscribe(LongConsumer listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Scheduled(fixedDelay = 2000, initialDelay = 2000)
    long refresh() {
        long now = eventLog.undelivered();
        if (now != count) {
            count = now;
            listeners.forEach(listener -> listener.accept(now));
        }
        return now;
    }
}
