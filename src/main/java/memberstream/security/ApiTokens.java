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
import java.util.concurrent.TimeUnit;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.security.authentication.DisabledException;
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
 * <p>A token acts as its user with the role and state the user has now ({@link AccountStates}). A
 * found token is remembered for {@link #REMEMBER_FOR} (hash to token id and user name), so a busy
 * script costs neither the token query nor the user query on most requests; revoking a token here
 * forgets every remembered token at once, and another console sees the revocation within
 * {@link #REMEMBER_FOR}. Unknown tokens are not remembered. The last use is written at most once per
 * {@link #MARK_USED_EVERY}, so a busy script does not turn every read into a write. Thread-safe.
 */
@Component
class ApiTokens {

    static final String PREFIX = "mst_";
    static final int LENGTH = PREFIX.length() + 43;
    static final Duration MARK_USED_EVERY = Duration.ofMinutes(1);
    /** As {@link AccountStates#REMEMBER_FOR}: consoles sharing one database see a revocation within it. */
    static final Duration REMEMBER_FOR = AccountStates.REMEMBER_FOR;

    /** A stored token as a request needs it; {@code lastUsedAt} as read, then as this console last marked it. */
    private static final class KnownToken {
        final long id;
        final String username;
        volatile Instant lastUsedAt;

        KnownToken(long id, String username, Instant lastUsedAt) {
            this.id = id;
            this.username = username;
            this.lastUsedAt = lastUsedAt;
        }
    }

    private final ApiTokenRepository tokens;
    private final AccountStates accounts;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, KnownToken> remembered;

    ApiTokens(ApiTokenRepository tokens, AccountStates accounts, Clock clock) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.clock = clock;
        this.remembered = Caffeine.newBuilder()
                .expireAfterWrite(REMEMBER_FOR)
                .maximumSize(10_000)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /** A new random token (not stored). */
    String generate() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The authentication of the token's user, or empty if no such token (or user) exists (any more).
     *
     * @throws DisabledException when the token's user is disabled
     */
    Optional<Authentication> authenticate(String token) {
        if (!wellFormed(token)) {
            return Optional.empty();
        }
        String hash = hash(token);
        // One lookup per token at a time: when the entry expires, a busy script's concurrent requests
        // wait for that one query instead of each running its own (null: unknown, not remembered).
        KnownToken known = remembered.get(hash, key -> tokens.findByTokenHash(key)
                .map(found -> new KnownToken(found.id(), found.user().username(), found.lastUsedAt()))
                .orElse(null));
        if (known == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant lastUsed = known.lastUsedAt;
        if (lastUsed == null || lastUsed.isBefore(now.minus(MARK_USED_EVERY))) {
            known.lastUsedAt = now; // in place: a cache write would extend how long the entry is trusted
            tokens.markUsed(known.id, now, now.minus(MARK_USED_EVERY));
        }
        var account = accounts.current(known.username);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        if (!account.get().enabled()) {
            throw new DisabledException("The user of this API token is disabled");
        }
        return Optional.of(UsernamePasswordAuthenticationToken.authenticated(account.get().username(), null,
                List.of(new SimpleGrantedAuthority(account.get().role().authority()))));
    }

    /** A token was revoked here: no remembered token outlives it. */
    void forgetAll() {
        remembered.invalidateAll();
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
