package memberstream.security;

import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Pageable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The one way to list and change console users. Admins add users, change roles, disable, enable and
 * delete them and reset passwords; everyone changes their own password. Every change is audited
 * ({@code user_audit}: who, when, what) in the change's transaction.
 *
 * <p>Rules: one enabled admin always remains (demoting, disabling or deleting the last one is refused;
 * the enabled admins are locked for the check, so two admins cannot remove each other at once); an
 * admin cannot demote, disable or delete themself (another admin must), so nobody locks themself out
 * by a slip. A change evicts the account from {@link AccountStates} at once and, once committed,
 * publishes {@link AccountChanged} so the user's open pages end.
 */
@Service
public class UserService {

    private static final Logger log = LoggerFactory.getLogger(UserService.class);
    static final int MIN_PASSWORD = 12;
    static final int MAX_PASSWORD = 72;

    private final UserRepository users;
    private final UserAuditRepository audit;
    private final AccountStates accounts;
    private final PasswordEncoder passwordEncoder;
    private final Validator validator;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    UserService(UserRepository users, UserAuditRepository audit, AccountStates accounts,
            PasswordEncoder passwordEncoder, Validator validator, ApplicationEventPublisher events, Clock clock) {
        this.users = users;
        this.audit = audit;
        this.accounts = accounts;
        this.passwordEncoder = passwordEncoder;
        this.validator = validator;
        this.events = events;
        this.clock = clock;
    }

    @PreAuthorize("hasRole('ADMIN')")
    @Transactional(readOnly = true)
    public List<UserSummary> list(Pageable page) {
        return users.findAllOrdered(page).stream().map(UserAccount::summary).toList();
    }

    @PreAuthorize("hasRole('ADMIN')")
    @Transactional(readOnly = true)
    public long count() {
        return users.count();
    }

    /** The latest changes to users, newest first. */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional(readOnly = true)
    public List<UserChange> recentChanges(int limit) {
        return audit.findNewestFirst(Pageable.ofSize(Math.max(1, Math.min(limit, 1000)))).stream()
                .map(UserAuditEntry::change).toList();
    }

    /**
     * Adds a user.
     *
     * @throws ConstraintViolationException when a field is invalid
     * @throws UsernameTakenException when the name is in use
     */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public UserSummary add(NewUser newUser) {
        var violations = validator.validate(newUser);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        if (users.findByUsernameIgnoringCase(newUser.username()).isPresent()) {
            throw new UsernameTakenException(newUser.username());
        }
        var account = new UserAccount(newUser.username(), passwordEncoder.encode(newUser.password()),
                newUser.role(), clock.instant());
        try {
            UserSummary added = users.saveAndFlush(account).summary();
            record(added.username(), "added", "as " + roleName(added.role()));
            accounts.changing(added.username());
            AfterCommit.andNow(() -> accounts.forget(added.username()));
            return added;
        } catch (DataIntegrityViolationException raceWithAnotherAdd) {
            throw new UsernameTakenException(newUser.username());
        }
    }

    /**
     * Gives {@code username} another role; the user's open pages end, to log in again with it.
     *
     * @throws UserChangeRefusedException for oneself, or when it would leave no enabled admin
     */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public UserSummary changeRole(String username, Role role) {
        UserAccount user = find(username);
        if (user.role() == role) {
            return user.summary();
        }
        if (role != Role.ADMIN) {
            refuseForSelf(user, "change your own role");
            keepAnEnabledAdmin(user, "change the role of");
        }
        Role before = user.role();
        user.changeRole(role);
        record(user.username(), "role changed", roleName(before) + " → " + roleName(role));
        ended(user.username());
        return user.summary();
    }

    /**
     * Disables or enables {@code username}. A disabled user cannot log in, the API refuses its password
     * and tokens, and its open pages end.
     *
     * @throws UserChangeRefusedException for oneself, or when it would leave no enabled admin
     */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public UserSummary setEnabled(String username, boolean enabled) {
        UserAccount user = find(username);
        if (user.enabled() == enabled) {
            return user.summary();
        }
        if (!enabled) {
            refuseForSelf(user, "disable yourself");
            keepAnEnabledAdmin(user, "disable");
        }
        user.setEnabled(enabled);
        record(user.username(), enabled ? "enabled" : "disabled", null);
        ended(user.username());
        return user.summary();
    }

    /**
     * Deletes {@code username} and its API tokens; the audit keeps its history.
     *
     * @throws UserChangeRefusedException for oneself, or when it would leave no enabled admin
     */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public void delete(String username) {
        UserAccount user = find(username);
        refuseForSelf(user, "delete yourself");
        keepAnEnabledAdmin(user, "delete");
        users.delete(user);
        users.flush();
        record(user.username(), "deleted", "was " + roleName(user.role()));
        ended(user.username());
    }

    /**
     * Sets a new generated password for {@code username} and answers it: it is shown once, only its hash
     * is stored. The user's open pages stay; the old password stops working.
     */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public String resetPassword(String username) {
        UserAccount user = find(username);
        String password = GeneratedPasswords.next();
        user.changePasswordHash(passwordEncoder.encode(password));
        record(user.username(), "password reset", null);
        accounts.changing(user.username());
        AfterCommit.andNow(() -> accounts.forget(user.username()));
        return password;
    }

    /**
     * Changes the logged-in user's own password.
     *
     * @throws UserChangeRefusedException when the current password is wrong or the new one is not 12 to 72
     *         characters
     */
    @PreAuthorize("isAuthenticated()")
    @Transactional
    public void changeOwnPassword(String currentPassword, String newPassword) {
        UserAccount user = find(CurrentUser.name());
        if (currentPassword == null || !passwordEncoder.matches(currentPassword, user.passwordHash())) {
            throw new UserChangeRefusedException("The current password is not right.");
        }
        if (newPassword == null || newPassword.length() < MIN_PASSWORD || newPassword.length() > MAX_PASSWORD) {
            throw new UserChangeRefusedException("Use " + MIN_PASSWORD + " to " + MAX_PASSWORD
                    + " characters for the new password.");
        }
        user.changePasswordHash(passwordEncoder.encode(newPassword));
        record(user.username(), "password changed", "by the user");
        accounts.changing(user.username());
        AfterCommit.andNow(() -> accounts.forget(user.username()));
    }

    private UserAccount find(String username) {
        return users.findByUsernameIgnoringCase(username == null ? "" : username)
                .orElseThrow(() -> new UsernameNotFoundException("There is no user \"" + username + "\""));
    }

    private static void refuseForSelf(UserAccount user, String what) {
        if (user.username().equalsIgnoreCase(CurrentUser.name())) {
            throw new UserChangeRefusedException("You cannot " + what + "; another admin can.");
        }
    }

    private void keepAnEnabledAdmin(UserAccount user, String what) {
        List<UserAccount> admins = users.lockEnabledAdmins();
        boolean userIsOne = admins.stream().anyMatch(admin -> admin.username().equalsIgnoreCase(user.username()));
        if (userIsOne && admins.size() <= 1) {
            throw new UserChangeRefusedException("Cannot " + what + " " + user.username()
                    + ": it is the last enabled admin. Make another user an admin first.");
        }
    }

    private void record(String username, String action, String detail) {
        String actor = CurrentUser.name();
        audit.save(new UserAuditEntry(clock.instant(), actor, username, action, detail));
        log.info("{}: user '{}' {}{}", actor, username, action, detail == null ? "" : " (" + detail + ")");
    }

    /** Forgets the account now and ends its pages once the change is committed. */
    private void ended(String username) {
        accounts.changing(username);
        AfterCommit.andNow(() -> accounts.forget(username));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    events.publishEvent(new AccountChanged(username));
                }
            });
        } else {
            events.publishEvent(new AccountChanged(username));
        }
    }

    private static String roleName(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }
}
