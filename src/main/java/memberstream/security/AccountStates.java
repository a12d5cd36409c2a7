package memberstream.security;

import memberstream.base.ClusterSignals;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The current state of each account (password hash, role, enabled), read on every authenticated
 * request: form login, HTTP Basic, API tokens and every request of a console session
 * ({@link AccountStateFilter}). A query per request was a tenth of an API save's CPU, so an answer is
 * remembered for at most {@link #REMEMBER_FOR}, keyed by the lower-cased name; an account that does
 * not exist is remembered too (as empty), so a script with a wrong user name costs no query either.
 *
 * <p>A change evicts the account on every console sharing the database when the change commits: it
 * is signalled on channel {@value #CHANNEL} ({@link ClusterSignals}, {@code LISTEN/NOTIFY}, payload the
 * lower-cased name) inside the change's transaction ({@link #changing}), and each console forgets the
 * account when the signal arrives; this console also forgets it at once ({@link #forget}). Should the
 * listening connection drop, everything is forgotten when it is back, and meanwhile
 * {@link #REMEMBER_FOR} bounds what a missed signal can cost. Time is the injected clock's.
 * Thread-safe (a Caffeine cache).
 */
@Component
class AccountStates {

    /** Short, because consoles sharing one database must see a disabled or removed user within a second. */
    static final Duration REMEMBER_FOR = Duration.ofSeconds(1);
    private static final int MAX_ENTRIES = 10_000;
    static final String CHANNEL = "accounts";

    /** What a request needs to know about an account. */
    record AccountState(String username, String passwordHash, Role role, boolean enabled) {
    }

    private final UserRepository users;
    private final Cache<String, Optional<AccountState>> remembered;
    private final ClusterSignals signals;

    AccountStates(UserRepository users, Clock clock, ClusterSignals signals) {
        this.users = users;
        this.signals = signals;
        this.remembered = Caffeine.newBuilder()
                .expireAfterWrite(REMEMBER_FOR)
                .maximumSize(MAX_ENTRIES)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
        signals.subscribe(CHANNEL, new ClusterSignals.Subscriber() {
            @Override
            public void signalled(String username) {
                forget(username);
            }

            @Override
            public void resync() {
                remembered.invalidateAll();
            }
        });
    }

    /** The account as stored at most {@link #REMEMBER_FOR} ago (or changed here since), empty if there is none. */
    Optional<AccountState> current(String username) {
        if (username == null) {
            return Optional.empty();
        }
        return remembered.get(key(username), name -> users.findByUsernameIgnoringCase(name)
                .map(found -> new AccountState(found.username(), found.passwordHash(), found.role(),
                        found.enabled())));
    }

    /** The account changes in the current transaction: every console forgets it once that commits. */
    void changing(String username) {
        signals.signal(CHANNEL, key(username));
    }

    /** The account changed here: the next request reads it again. */
    void forget(String username) {
        remembered.invalidate(key(username));
    }

    private static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
