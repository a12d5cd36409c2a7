package memberstream.security;

/**
 * Published (after commit) when an admin changed {@code username}'s role, disabled or deleted the user:
 * the user's open console pages must end ({@link memberstream.security.ui.OpenSessions}).
 */
public record AccountChanged(String username) {
}
