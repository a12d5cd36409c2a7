package memberstream.member.importing;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import memberstream.base.InstanceId;
import memberstream.member.Member;
import memberstream.member.MemberBatchWriter;
import memberstream.security.CurrentUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * CSV import of members: {@link #check} validates a file and saves nothing; {@link #start} saves the
 * valid rows of a check in batches of {@link ImportLimits#batchSize()} on a background thread.
 *
 * <p>Each batch is one transaction: it locks the job's row (and stops if a cancel was asked for),
 * re-checks its emails (a member may have been added since validation: such rows are skipped and
 * counted), inserts the members, publishes their created events (forwarding writes their outbox
 * rows in the same transaction, so it sends each exactly as it would a form's save),
 * and advances the job's counter. So the job row always says how many members are saved, and a crash
 * leaves whole batches; at its next start the console marks its RUNNING jobs INTERRUPTED. The running
 * console renews the job's heartbeat (V75); any console marks a RUNNING job whose heartbeat is older
 * than {@link ImportLimits#staleAfter()} INTERRUPTED, so a console that never comes back, or comes back
 * under another instance id, does not leave a job RUNNING and every later import refused.
 *
 * <p>One job runs at a time over all consoles (a unique index, V70). Progress is pushed to listeners
 * after every batch on the import thread. Thread-safe.
 */
@Service
@Profile("!engine")
public class MemberImports implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MemberImports.class);

    private final ImportChecker checker;
    private final ImportJobStore store;
    private final MemberBatchWriter writer;
    private final TransactionTemplate transactions;
    private final InstanceId instanceId;
    private final Clock clock;
    private final ImportLimits limits;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "member-import");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "member-import-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Long, CompletableFuture<ImportJob>> running = new ConcurrentHashMap<>();
    private final List<Consumer<ImportJob>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean heartbeatStarted = new AtomicBoolean();

    MemberImports(ImportChecker checker, ImportJobStore store, MemberBatchWriter writer,
                  PlatformTransactionManager transactionManager, InstanceId instanceId, Clock clock,
                  ImportLimits limits) {
        this.checker = checker;
        this.store = store;
        this.writer = writer;
        this.transactions = new TransactionTemplate(transactionManager);
        this.instanceId = instanceId;
        this.clock = clock;
        this.limits = limits;
    }

    /** Reads and validates a file (see {@link MemberCsv}); saves nothing. */
    @PreAuthorize("hasRole('ADMIN')")
    public ImportCheck check(String fileName, InputStream csv) {
        return checker.check(fileName, csv);
    }

    /**
     * Starts saving the valid rows of {@code check} as the current user; returns the RUNNING job.
     * Throws {@link ImportRunningException} while another import runs.
     */
    @PreAuthorize("hasRole('ADMIN')")
    public ImportJob start(ImportCheck check) {
        String actor = CurrentUser.name();
        interruptStale(); // a dead console's job must not block this one
        long id;
        try {
            id = store.insertRunning(check, actor, instanceId.get(), clock.instant());
        } catch (DuplicateKeyException another) {
            throw new ImportRunningException(store.running().map(ImportJob::id).orElse(-1L));
        }
        CompletableFuture<ImportJob> done = new CompletableFuture<>();
        running.put(id, done);
        runner.execute(() -> {
            try {
                run(id, check.validRows(), actor);
            } catch (RuntimeException e) {
                log.warn("Import {} failed", id, e);
                store.finish(id, ImportStatus.FAILED, "The import stopped: " + e.getMessage(), clock.instant());
            } finally {
                running.remove(id);
                ImportJob finished = store.find(id).orElseThrow();
                done.complete(finished);
                notifyListeners(finished);
            }
        });
        return store.find(id).orElseThrow();
    }

    /** Asks job {@code id} to stop after its current batch; false if it is not running. */
    @PreAuthorize("hasRole('ADMIN')")
    public boolean cancel(long id) {
        boolean asked = store.requestCancel(id, clock.instant());
        store.find(id).ifPresent(this::notifyListeners);
        return asked;
    }

    public Optional<ImportJob> find(long id) {
        return store.find(id);
    }

    /** The newest job, running or not: what the status page shows. */
    public Optional<ImportJob> newest() {
        return store.newest();
    }

    /** The job once finished, waiting at most {@code wait} (empty if still running then). */
    public Optional<ImportJob> awaitFinished(long id, Duration wait) {
        CompletableFuture<ImportJob> done = running.get(id);
        if (done == null) {
            return store.find(id).filter(job -> job.status().finished());
        }
        try {
            return Optional.of(done.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException stillRunning) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            return store.find(id);
        }
    }

    /**
     * Calls {@code listener} with the job after each saved batch and when it ends, on the import
     * thread (or the cancelling one); it must not block. Returns what removes it.
     */
    public Runnable addListener(Consumer<ImportJob> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * A RUNNING job of this console at its start lost its thread with the previous process; one of any
     * console whose heartbeat is stale lost it too (a console restarted under another instance id, or
     * never restarted). Then renews the heartbeat of this console's jobs and repeats the stale check
     * every {@link ImportLimits#heartbeatEvery()}.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void markInterrupted() {
        int interrupted = store.interruptRunning(instanceId.get(), clock.instant());
        if (interrupted > 0) {
            log.warn("{} member import(s) were interrupted by the console's stop; their saved batches stay",
                    interrupted);
        }
        interruptStale();
        long every = limits.heartbeatEvery().toMillis();
        if (heartbeatStarted.compareAndSet(false, true)) {
            heartbeats.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeat() {
        try {
            store.heartbeat(Set.copyOf(running.keySet()), clock.instant());
            interruptStale();
        } catch (RuntimeException e) {
            log.warn("Could not renew the import heartbeat; trying again in {}", limits.heartbeatEvery(), e);
        }
    }

    private void interruptStale() {
        Instant now = clock.instant();
        int interrupted = store.interruptStale(now.minus(limits.staleAfter()), Set.copyOf(running.keySet()), now);
        if (interrupted > 0) {
            log.warn("{} member import(s) of another console were marked interrupted: no heartbeat for {}",
                    interrupted, limits.staleAfter());
        }
    }

    private void run(long id, List<ImportRow> rows, String actor) {
        int batchSize = limits.batchSize();
        for (int from = 0; from < rows.size(); from += batchSize) {
            List<ImportRow> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
            Boolean goOn = transactions.execute(tx -> saveBatch(id, batch, actor));
            if (!Boolean.TRUE.equals(goOn)) {
                ImportJob job = store.find(id).orElseThrow();
                store.finish(id, ImportStatus.CANCELLED, "Cancelled; " + job.saved() + " of " + job.toSave()
                        + " members had been saved and stay saved", clock.instant());
                return;
            }
            store.find(id).ifPresent(this::notifyListeners);
        }
        ImportJob job = store.find(id).orElseThrow();
        store.finish(id, ImportStatus.DONE, job.skipped() > 0
                ? job.skipped() + " row(s) skipped: their email was taken after the file was checked" : null,
                clock.instant());
    }

    /** One transaction: false (nothing saved) if the job was cancelled. */
    private boolean saveBatch(long id, List<ImportRow> batch, String actor) {
        if (!store.lockForBatch(id)) {
            return false;
        }
        var taken = writer.takenEmails(batch.stream().map(row -> row.member().getEmail()).toList());
        List<Member> drafts = batch.stream().map(ImportRow::member)
                .filter(member -> !taken.contains(member.getEmail())).toList();
        writer.createAll(drafts, actor);
        store.counted(id, drafts.size(), batch.size() - drafts.size(), clock.instant().truncatedTo(ChronoUnit.MICROS));
        return true;
    }

    private void notifyListeners(ImportJob job) {
        for (Consumer<ImportJob> listener : listeners) {
            try {
                listener.accept(job);
            } catch (RuntimeException e) {
                log.debug("An import listener failed", e);
            }
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        runner.shutdownNow();
    }
}
