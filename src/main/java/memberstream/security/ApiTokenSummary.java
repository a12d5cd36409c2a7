package memberstream.security;

import java.time.Instant;

/** What the console shows about an API token; never the token. {@code name} and {@code lastUsedAt} may be null. */
public record ApiTokenSummary(long id, String name, String username, Instant createdAt, String createdBy,
        Instant lastUsedAt) {
}
