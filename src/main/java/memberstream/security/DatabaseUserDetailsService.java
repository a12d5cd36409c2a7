package memberstream.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/**
 * Loads users from the {@code users} table for both the login view and the API's HTTP Basic.
 *
 * <p>HTTP Basic authenticates every API request, and a query per request was a tenth of a save's
 * CPU; so a found account is remembered for {@link #REMEMBER_FOR}, keyed by the lower-cased name.
 * Users are only ever added (never changed or removed), so the cache cannot serve a stale role or
 * password; the short period bounds that should they become editable. Each call answers a new
 * {@link UserDetails}, because Spring Security erases the password of the one it was given.
 * Thread-safe.
 */
@Component
class DatabaseUserDetailsService implements UserDetailsService {

    /** Short, because consoles sharing one database must see a changed or removed user within a second. */
    static final Duration REMEMBER_FOR = Duration.ofSeconds(1);
    private static final int MAX_ENTRIES = 10_000;

    private record Remembered(String username, String passwordHash, Role role, Instant until) {
    }

    private final UserRepository users;
    private final Clock clock;
    private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();

    DatabaseUserDetailsService(UserRepository users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        String key = username.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Remembered account = remembered.get(key);
        if (account == null || !now.isBefore(account.until())) {
            account = users.findByUsernameIgnoringCase(username)
                    .map(found -> new Remembered(found.username(), found.passwordHash(), found.role(),
                            now.plus(REMEMBER_FOR)))
                    .orElseThrow(() -> new UsernameNotFoundException("No such user"));
            if (remembered.size() >= MAX_ENTRIES) {
                remembered.clear();
            }
            remembered.put(key, account);
        }
        return User.withUsername(account.username())
                .password(account.passwordHash())
                .authorities(new SimpleGrantedAuthority(account.role().authority()))
                .build();
    }
}
