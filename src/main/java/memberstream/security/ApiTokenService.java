package memberstream.security;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Pageable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The one way to create, list and revoke API tokens. Only admins may do any of it. */
@Service
public class ApiTokenService {

    private static final Logger log = LoggerFactory.getLogger(ApiTokenService.class);
    static final int MAX_NAME = 64;

    private final ApiTokenRepository tokens;
    private final UserRepository users;
    private final ApiTokens apiTokens;
    private final Clock clock;

    ApiTokenService(ApiTokenRepository tokens, UserRepository users, ApiTokens apiTokens, Clock clock) {
        this.tokens = tokens;
        this.users = users;
        this.apiTokens = apiTokens;
        this.clock = clock;
    }

    /**
     * Creates a token for {@code username}, optionally named (at most 64 characters). The answer holds
     * the token itself; it cannot be read again.
     *
     * @throws UsernameNotFoundException when there is no such user
     * @throws IllegalArgumentException when the name is too long
     */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public NewApiToken create(String username, String name) {
        String trimmed = name == null || name.isBlank() ? null : name.strip();
        if (trimmed != null && trimmed.length() > MAX_NAME) {
            throw new IllegalArgumentException("A token's name has at most " + MAX_NAME + " characters");
        }
        UserAccount user = users.findByUsernameIgnoringCase(username == null ? "" : username)
                .orElseThrow(() -> new UsernameNotFoundException("There is no user \"" + username + "\""));
        String token = apiTokens.generate();
        ApiToken saved = tokens.saveAndFlush(new ApiToken(user, trimmed, ApiTokens.hash(token), clock.instant(),
                CurrentUser.name()));
        log.info("{} created API token {} for user '{}'", CurrentUser.name(), saved.id(), user.username());
        return new NewApiToken(saved.summary(), token);
    }

    /** Every token, newest first. */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional(readOnly = true)
    public List<ApiTokenSummary> list(Pageable page) {
        return tokens.findAllNewestFirst(page).stream().map(ApiToken::summary).toList();
    }

    /** Revokes a token: requests with it are refused from now on, on every console. */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public void revoke(long id) {
        tokens.findById(id).ifPresent(token -> {
            tokens.delete(token);
            AfterCommit.andNow(apiTokens::forgetAll);
            log.info("{} revoked API token {} of user '{}'", CurrentUser.name(), id, token.user().username());
        });
    }
}
