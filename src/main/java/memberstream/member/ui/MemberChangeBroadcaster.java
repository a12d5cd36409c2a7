package memberstream.member.ui;

import com.vaadin.flow.shared.Registration;
import jakarta.annotation.PreDestroy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import memberstream.member.MemberChanged;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells open members views that members changed (in this console: a form, the API, an import), after
 * the change committed, so their grids refresh themselves through push. Listeners are called on a
 * timer thread of this class, never on the committing thread, and must hand the work to their UI
 * ({@code UI.access}). {@link #announce()} is the way in for changes made elsewhere (other consoles).
 *
 * <p>Not a {@code @TransactionalEventListener}: Spring Modulith would record a publication for it on
 * every change. A plain listener registers an after-commit callback instead. Thread-safe.
 */
@Component
class MemberChangeBroadcaster {

    private final Set<Runnable> listeners = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "members-view-refresh");
        thread.setDaemon(true);
        return thread;
    });

    @EventListener
    void memberChanged(MemberChanged event) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    announce();
                }
            });
        } else {
            announce();
        }
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
