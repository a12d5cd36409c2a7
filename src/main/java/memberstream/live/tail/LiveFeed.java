package memberstream.live.tail;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the live views read: the most recent records (a bounded ring, oldest dropped first), the
 * rolling analytics and the consumer's status, plus a subscription that tells listeners when records
 * arrive. Each subscriber is also a watcher ({@link Watchers}): the consumer reads the stream only
 * while someone subscribes or {@link #watch()}es, so a console whose live tail nobody has open makes
 * no calls for it.
 *
 * <p>Thread-safety: the consumer thread calls {@link #arrived}, {@link #restored} and
 * {@link #status(LiveStatus)}; any thread may read, subscribe or watch. Listeners run on the consumer
 * thread and must hand work over to their own thread (a view uses {@code UI.access}); a listener that
 * throws is logged and kept.
 */
public class LiveFeed {

    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

    private final int capacity;
    private final ArrayDeque<LiveRecord> recent;
    private final RollingAnalytics analytics;
    private final List<Consumer<Update>> listeners = new CopyOnWriteArrayList<>();
    private final Watchers watchers;
    private volatile LiveStatus status = LiveStatus.starting();

    public LiveFeed(int capacity, Clock clock) {
        this.capacity = Math.max(1, capacity);
        this.recent = new ArrayDeque<>(this.capacity);
        this.analytics = RollingAnalytics.withDefaults(clock);
        this.watchers = new Watchers(clock);
    }

    /**
     * New records and the status after them, as told to listeners.
     *
     * @param rebuilt the window was rebuilt from the stream (records put in without being announced):
     *                a view shows {@link #recent(int)} afresh
     */
    public record Update(List<LiveRecord> records, LiveStatus status, boolean rebuilt) {

        public Update(List<LiveRecord> records, LiveStatus status) {
            this(records, status, false);
        }
    }

    /**
     * Subscribes, and watches until unsubscribed (the consumer reads while someone does); run the
     * returned action to unsubscribe.
     */
    public Runnable subscribe(Consumer<Update> listener) {
        listeners.add(listener);
        Runnable leave = watchers.join();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                listeners.remove(listener);
                leave.run();
            }
        };
    }

    /**
     * Watches without listening: for whatever needs the feed filled while no view is open (a benchmark,
     * a test). Run the returned action once to stop watching.
     */
    public Runnable watch() {
        return watchers.join();
    }

    /** How many subscribe or watch now. */
    public int watchers() {
        return watchers.count();
    }

    Watchers watching() {
        return watchers;
    }

    /** The newest records first, at most {@code limit}. */
    public List<LiveRecord> recent(int limit) {
        synchronized (recent) {
            List<LiveRecord> newestFirst = new ArrayList<>(Math.min(limit, recent.size()));
            var it = recent.descendingIterator();
            while (it.hasNext() && newestFirst.size() < limit) {
                newestFirst.add(it.next());
            }
            return newestFirst;
        }
    }

    public int capacity() {
        return capacity;
    }

    public RollingAnalytics.Snapshot analytics() {
        return analytics.snapshot();
    }

    public LiveStatus status() {
        return status;
    }

    void arrived(List<LiveRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        synchronized (recent) {
            for (LiveRecord record : records) {
                if (recent.size() == capacity) {
                    recent.removeFirst();
                }
                recent.addLast(record);
            }
        }
        records.forEach(r -> analytics.record(r.eventType(), r.arrival()));
        tell(new Update(List.copyOf(records), status));
    }

    /**
     * Puts records read back from the stream (oldest first) into the window and the analytics without
     * announcing them as new (they arrived while nobody watched, or before this console started); tells
     * listeners that the window was rebuilt.
     */
    void restored(List<LiveRecord> records) {
        synchronized (recent) {
            for (LiveRecord record : records) {
                if (recent.size() == capacity) {
                    recent.removeFirst();
                }
                recent.addLast(record);
            }
        }
        records.forEach(r -> analytics.record(r.eventType(), r.arrival()));
        tell(new Update(List.of(), status, true));
    }

    void status(LiveStatus newStatus) {
        boolean changed = !newStatus.equals(status);
        status = newStatus;
        if (changed) {
            tell(new Update(List.of(), newStatus));
        }
    }

    private void tell(Update update) {
        for (Consumer<Update> listener : listeners) {
            try {
                listener.accept(update);
            } catch (RuntimeException e) {
                log.warn("A live feed listener failed: {}", e.toString());
            }
        }
    }
}
