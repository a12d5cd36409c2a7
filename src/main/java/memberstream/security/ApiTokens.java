package memberstream.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * API tokens on the wire and at rest. A token is {@value #PREFIX} followed by 32 random bytes in
 * unpadded base64url (47 characters in all); the table keeps only the hex SHA-256 of the whole token.
 * A plain hash suffices, unlike for passwords: 256 random bits cannot be guessed or looked up, and
 * it lets a request find its token with one indexed query instead of a BCrypt per request.
 *
 * <p>A token acts as its user with the role the user has now (read with the token, not cached), so
 * deleting the row revokes it on every console at once. The last use is written at most once per
 * {@link #MARK_USED_EVERY}, so a busy script does not turn every read into a write. Thread-safe.
 */
@Component
class ApiTokens {

    static final String PREFIX = "mst_";
    static final int LENGTH = PREFIX.length() + 43;
    static final Duration MARK_USED_EVERY = Duration.ofMinutes(1);

    private final ApiTokenRepository tokens;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ApiTokens(ApiTokenRepository tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A new random token (not stored). */
    String generate() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The authentication of the token's user, or empty if no such token exists (any more). */
    Optional<Authentication> authenticate(String token) {
        if (!wellFormed(token)) {
            return Optional.empty();
        }
        return tokens.findByTokenHash(hash(token)).map(found -> {
            Instant now = clock.instant();
            if (found.lastUsedAt() == null || found.lastUsedAt().isBefore(now.minus(MARK_USED_EVERY))) {
                tokens.markUsed(found.id(), now, now.minus(MARK_USED_EVERY));
            }
            UserAccount user = found.user();
            return UsernamePasswordAuthenticationToken.authenticated(user.username(), null,
                    List.of(new SimpleGrantedAuthority(user.role().authority())));
        });
    }

    static boolean wellFormed(String token) {
        if (token == null || token.length() != LENGTH || !token.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
