package memberstream.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates API requests carrying {@code Authorization: Bearer <token>} (see {@link ApiTokens});
 * other requests pass on untouched, to HTTP Basic. A valid token costs one indexed query (none while remembered, see {@link ApiTokens}) and never
 * touches the login throttle; an unknown or revoked one answers 401 and counts as a failed login of
 * the client's address, so an address that sprays tokens is throttled like one that guesses passwords
 * (429 while it must wait). Not a bean: Spring Boot would register it for every request.
 */
final class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final ApiTokens tokens;
    private final LoginThrottle throttle;
    private final ProblemSecurityResponses problems;
    private final SecurityContextHolderStrategy securityContexts;

    ApiTokenFilter(ApiTokens tokens, LoginThrottle throttle, ProblemSecurityResponses problems,
            SecurityContextHolderStrategy securityContexts) {
        this.tokens = tokens;
        this.throttle = throttle;
        this.problems = problems;
        this.securityContexts = securityContexts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Authentication> authentication;
        try {
            authentication = tokens.authenticate(header.substring(BEARER.length()).strip());
        } catch (DisabledException disabled) {
            // a real token of a disabled user: not a guess, so not counted against the address
            problems.disabledUser(request, response);
            return;
        }
        if (authentication.isPresent()) {
            SecurityContext context = securityContexts.createEmptyContext();
            context.setAuthentication(authentication.get());
            securityContexts.setContext(context);
            chain.doFilter(request, response);
            return;
        }
        try {
            throttle.failed(throttle.attempt(null, request.getRemoteAddr()));
            problems.invalidToken(request, response);
        } catch (LoginThrottledException mustWait) {
            problems.commence(request, response, mustWait);
        }
    }
}
