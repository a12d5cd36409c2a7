package memberstream.security;

import java.time.Instant;

/** What the console shows about a user; never the password hash. */
public record UserSummary(String username, Role role, boolean enabled, Instant createdAt) {
}
