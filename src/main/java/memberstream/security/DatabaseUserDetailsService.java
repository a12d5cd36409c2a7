package memberstream.security;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/**
 * Loads users for both the login view and the API's HTTP Basic, through {@link AccountStates} (so an
 * HTTP Basic request costs no query while the account is remembered). A disabled account loads as
 * disabled, which Spring Security refuses after the password check. Each call answers a new
 * {@link UserDetails}, because Spring Security erases the password of the one it was given.
 * Thread-safe.
 */
@Component
class DatabaseUserDetailsService implements UserDetailsService {

    private final AccountStates accounts;

    DatabaseUserDetailsService(AccountStates accounts) {
        this.accounts = accounts;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        var account = accounts.current(username).orElseThrow(() -> new UsernameNotFoundException("No such user"));
        return User.withUsername(account.username())
                .password(account.passwordHash())
                .authorities(new SimpleGrantedAuthority(account.role().authority()))
                .disabled(!account.enabled())
                .build();
    }
}
