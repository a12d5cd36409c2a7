package memberstream.settings;

import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * <p>{@link #current()} is called for every forwarded event, so it answers from memory: a change
 * made here is in memory as soon as it commits (before its after-commit listeners run), and the row is
 * read again when the copy in memory is older than {@link #REREAD_AFTER}, for changes made by another
 * console on the same database. Thread-safe.
 */
@Service
public class SettingsService {

    private final SettingsRepository repository;
    private final Validator validator;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private volatile Read lastRead;

    /** How long {@link #current()} trusts its copy of a row that another console may change. */
    static final Duration REREAD_AFTER = Duration.ofSeconds(1);

    private record Read(Settings settings, Instant at) {
    }

    SettingsService(SettingsRepository repository, Validator validator, ApplicationEventPublisher events, Clock clock) {
        this.repository = repository;
        this.validator = validator;
        this.events = events;
        this.clock = clock;
    }

    public Settings current() {
        Read read = lastRead;
        Instant now = clock.instant();
        if (read != null && now.isBefore(read.at().plus(REREAD_AFTER)) && !now.isBefore(read.at())) {
            return read.settings();
        }
        Settings settings = stored().snapshot();
        remember(settings, now);
        return settings;
    }

    /** Keeps the newer of what is in memory and {@code settings}, so a slow read can't undo a change. */
    private synchronized void remember(Settings settings, Instant at) {
        Read read = lastRead;
        if (read == null || settings.version() >= read.settings().version()) {
            lastRead = new Read(settings, at);
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
        events.publishEvent(new SettingsChanged(previous, current));
        return current;
    }

    private void rememberAfterCommit(Settings settings) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                remember(settings, clock.instant());
            }
        });
    }

    private StoredSettings stored() {
        return repository.findById(StoredSettings.ID)
                .orElseThrow(() -> new IllegalStateException("The settings row is missing; migration V11 creates it"));
    }
}
