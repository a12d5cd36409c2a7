package memberstream.settings;

import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.time.Clock;
import memberstream.security.CurrentUser;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one way to read and change the settings. {@link #current()} is cheap enough to call for every
 * forwarded event (one primary-key read); any user may read, only admins may change.
 */
@Service
public class SettingsService {

    private final SettingsRepository repository;
    private final Validator validator;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    SettingsService(SettingsRepository repository, Validator validator, ApplicationEventPublisher events, Clock clock) {
        this.repository = repository;
        this.validator = validator;
        this.events = events;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public Settings current() {
        return stored().snapshot();
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
        stored.apply(update, CurrentUser.name(), clock.instant());
        Settings current;
        try {
            current = repository.saveAndFlush(stored).snapshot();
        } catch (ObjectOptimisticLockingFailureException concurrentUpdate) {
            throw new SettingsConflictException(previous);
        }
        events.publishEvent(new SettingsChanged(previous, current));
        return current;
    }

    private StoredSettings stored() {
        return repository.findById(StoredSettings.ID)
                .orElseThrow(() -> new IllegalStateException("The settings row is missing; migration V11 creates it"));
    }
}
