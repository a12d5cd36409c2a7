package memberstream.security;

import java.time.Instant;

/** An audited change to a user: who ({@code actor}) did what ({@code action}, {@code detail}) to whom, when. */
public record UserChange(Instant at, String actor, String username, String action, String detail) {
}
