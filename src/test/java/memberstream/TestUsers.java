package memberstream;

import java.util.List;
import memberstream.security.NewUser;
import memberstream.security.Role;
import memberstream.security.UserService;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/** Real console users for tests, created through {@link UserService} as an admin would. */
public final class TestUsers {

    /** The password of every user created here; long enough for the console's rules. */
    public static final String PASSWORD = "password-for-tests";

    private TestUsers() {
    }

    /** The user with this name, created with {@link #PASSWORD} if missing; fails if it has another role. */
    public static UserDetails ensure(UserDetailsService userDetails, UserService users, String username, Role role) {
        try {
            UserDetails user = userDetails.loadUserByUsername(username);
            List<String> authorities = user.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
            if (!authorities.equals(List.of(role.authority()))) {
                throw new IllegalStateException("User " + username + " exists with other roles: " + authorities);
            }
            return user;
        } catch (UsernameNotFoundException missing) {
            runAsAdmin(() -> users.add(new NewUser(username, PASSWORD, role)));
            return userDetails.loadUserByUsername(username);
        }
    }

    /** Runs {@code action} with an admin in the security context, then restores the previous context. */
    public static void runAsAdmin(Runnable action) {
        SecurityContext before = SecurityContextHolder.getContext();
        SecurityContext admin = SecurityContextHolder.createEmptyContext();
        admin.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("test-setup", null,
                List.of(new SimpleGrantedAuthority(Role.ADMIN.authority()))));
        SecurityContextHolder.setContext(admin);
        try {
            action.run();
        } finally {
            SecurityContextHolder.setContext(before);
        }
    }
}
