package memberstream.security;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/** What admins see of login throttling: who must wait now, and lifting it. */
@Service
public class LoginLockouts {

    private static final Logger log = LoggerFactory.getLogger(LoginLockouts.class);
    static final int MAX_LISTED = 200;

    private final LoginThrottle throttle;

    LoginLockouts(LoginThrottle throttle) {
        this.throttle = throttle;
    }

    /** User names and addresses that may not try to log in now, latest release first (at most 200). */
    @PreAuthorize("hasRole('ADMIN')")
    public List<LoginLockout> current() {
        return throttle.current(MAX_LISTED);
    }

    /** Forgets the failures of this user name or address, so it may log in again at once. */
    @PreAuthorize("hasRole('ADMIN')")
    public void lift(LoginSubject kind, String subject) {
        if (throttle.lift(kind, subject)) {
            log.info("{} lifted the login lockout of {} {}", CurrentUser.name(), kind.name().toLowerCase(), subject);
        }
    }
}
