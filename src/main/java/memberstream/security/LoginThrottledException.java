package memberstream.security;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/** A login refused unchecked, because its user name or address must wait; answered 429 with Retry-After. */
class LoginThrottledException extends AuthenticationException {

    private final long retryAfterSeconds;

    LoginThrottledException(Duration wait) {
        super("Too many failed logins; try again in " + Math.max(1, seconds(wait)) + " s");
        this.retryAfterSeconds = Math.max(1, seconds(wait));
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    private static long seconds(Duration wait) {
        return wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
    }
}
