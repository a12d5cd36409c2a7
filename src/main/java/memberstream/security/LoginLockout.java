package memberstream.security;

import java.time.Instant;

/**
 * A user name or client address that may not try to log in before {@code until}: a short delay after
 * a few failures, or a lockout ({@code lockedOut}) after many.
 */
public record LoginLockout(LoginSubject kind, String subject, int failures, Instant until, boolean lockedOut) {
}
