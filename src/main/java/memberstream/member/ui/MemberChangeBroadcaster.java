package memberstream.member.ui;

import memberstream.base.ClusterSignals;
import memberstream.base.InstanceId;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.PreDestroy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import memberstream.member.MemberChanged;
import memberstream.member.MembersImported;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells open members views that members changed (in this console: a form, the API, an import), after
 * the change committed, so their grids refresh themselves through push. Listeners are called on a
 * timer thread of this class, never on the committing thread, and must hand the work to their UI
 * ({@code UI.access}).
 *
 * <p>Other consoles on the same database hear of it through {@link ClusterSignals}: a transaction that
 * changes members sends one signal on channel {@value #CHANNEL} (payload: this console's instance id),
 * delivered to every console when it commits; a console announces the changes of others, and every
 * change after its listening connection was (re)made, since it may have missed some.
 *
 * <p>A plain listener that registers an after-commit callback, as forwarding's does, rather than a
 * {@code @TransactionalEventListener}: should an event publication registry ever be on the class path
 * again, it would record a publication for every change. Thread-safe.
 */
@Component
class MemberChangeBroadcaster {

    static final String CHANNEL = "members";
    /** Marks a transaction that has already sent its signal: one per transaction, however many members. */
    private static final Object SIGNALLED = new Object();

    private final Set<Runnable> listeners = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "members-view-refresh");
        thread.setDaemon(true);
        return thread;
    });

    private final ClusterSignals signals;
    /** This console's instance id, asked late: its default names the web server's port. */
    private final Supplier<String> self;

    @Autowired
    MemberChangeBroadcaster(ClusterSignals signals, InstanceId instance) {
        this(signals, instance::get);
    }

    MemberChangeBroadcaster(ClusterSignals signals, Supplier<String> self) {
        this.signals = signals;
        this.self = self;
        signals.subscribe(CHANNEL, new ClusterSignals.Subscriber() {
            @Override
            public void signalled(String from) {
                if (!self.get().equals(from)) {
                    announce();
                }
            }

            @Override
            public void resync() {
                announce();
            }
        });
    }

    @EventListener
    void memberChanged(MemberChanged event) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            signals.signal(CHANNEL, self.get());
            announce();
            return;
        }
        if (TransactionSynchronizationManager.hasResource(SIGNALLED)) {
            return;
        }
        TransactionSynchronizationManager.bindResource(SIGNALLED, Boolean.TRUE);
        signals.signal(CHANNEL, self.get());
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                announce();
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(SIGNALLED);
            }
        });
    }

    /** An import batch: one announcement, as for one change. */
    @EventListener
    void membersImported(MembersImported batch) {
        memberChanged(null);
    }

    /** Members changed: every registered listener hears of it (once per call). */
    void announce() {
        if (!listeners.isEmpty() && !timer.isShutdown()) {
            timer.execute(() -> listeners.forEach(Runnable::run));
        }
    }

    Registration register(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Runs {@code task} after {@code delayMillis} on the timer thread (the views' coalescing). */
    void later(Runnable task, long delayMillis) {
        if (!timer.isShutdown()) {
            timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    int listeners() {
        return listeners.size();
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
