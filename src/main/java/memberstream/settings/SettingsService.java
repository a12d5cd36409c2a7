package memberstream.settings;

import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.base.ClusterSignals;
import memberstream.security.CurrentUser;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The one way to read and change the settings; any user may read, only admins may change.
 *
 * <p>{@link #current()} answers from memory while that copy is known to be current: every change
 * sends the signal {@value #CHANNEL} ({@link ClusterSignals}) in its own transaction, and each console
 * drops its copy when the signal arrives, or when signals may have been missed (its listening
 * connection was remade). While a console is not listening it reads the row on every call. A change
 * made here is in memory as soon as it commits (before its after-commit listeners run). Forwarding
 * does not route by this copy: the event log row takes the sink from the settings row inside the
 * change's own transaction (see forwarding's PublicationClaims). Thread-safe.
 */
@Service
public class SettingsService {

    private final SettingsRepository repository;
    private final Validator validator;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final ClusterSignals signals;
    /** Bumped by every signal and resync: a copy read under an older generation is not trusted. */
    private final AtomicLong generation = new AtomicLong();
    private volatile Read lastRead;

    /** The signal channel of settings changes; the payload is the new version. */
    static final String CHANNEL = "memberstream_settings";

    private record Read(Settings settings, long generation) {
    }

    SettingsService(SettingsRepository repository, Validator validator, ApplicationEventPublisher events, Clock clock,
                    ClusterSignals signals) {
        this.repository = repository;
        this.validator = validator;
        this.events = events;
        this.clock = clock;
        this.signals = signals;
        signals.subscribe(CHANNEL, new ClusterSignals.Subscriber() {
            @Override
            public void signalled(String payload) {
                generation.incrementAndGet();
            }

            @Override
            public void resync() {
                generation.incrementAndGet();
            }
        });
    }

    public Settings current() {
        Read read = lastRead;
        long now = generation.get();
        if (read != null && read.generation() == now && signals.listening()) {
            return read.settings();
        }
        Settings settings = stored().snapshot();
        remember(settings, now);
        return settings;
    }

    /**
     * Keeps the newer of what is in memory and {@code settings}, so a slow read can't undo a change;
     * {@code readIn} is the generation before the read began.
     */
    private synchronized void remember(Settings settings, long readIn) {
        Read read = lastRead;
        if (read == null || settings.version() > read.settings().version()
                || settings.version() == read.settings().version() && readIn > read.generation()) {
            lastRead = new Read(settings, readIn);
        }
    }

    /**
     * Validates and stores new settings, recording who changed them and when, and publishes
     * {@link SettingsChanged} in the same transaction.
     *
     * @throws ConstraintViolationException when a field is invalid (nothing is stored)
     * @throws SettingsConflictException when {@code update.version()} is given and no longer current
     */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public Settings update(SettingsUpdate update) {
        var violations = validator.validate(update);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        StoredSettings stored = stored();
        Settings previous = stored.snapshot();
        if (update.version() != null && update.version() != stored.version()) {
            throw new SettingsConflictException(previous);
        }
        // PostgreSQL keeps microseconds: truncated, the snapshot kept in memory equals the row read back.
        stored.apply(update, CurrentUser.name(), clock.instant().truncatedTo(ChronoUnit.MICROS));
        Settings current;
        try {
            current = repository.saveAndFlush(stored).snapshot();
        } catch (ObjectOptimisticLockingFailureException concurrentUpdate) {
            throw new SettingsConflictException(previous);
        }
        rememberAfterCommit(current);
        signals.signal(CHANNEL, Long.toString(current.version()));
        events.publishEvent(new SettingsChanged(previous, current));
        return current;
    }

    private void rememberAfterCommit(Settings settings) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                remember(settings, generation.get());
            }
        });
    }

    private StoredSettings stored() {
        return repository.findById(StoredSettings.ID)
                .orElseThrow(() -> new IllegalStateException("The settings row is missing; migration V11 creates it"));
    }
}
