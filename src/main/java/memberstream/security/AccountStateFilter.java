package memberstream.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a console session whose user was disabled, deleted or given another role since logging in: on
 * the session's next request (page, Vaadin call or push over HTTP) the session is invalidated and the
 * request goes on as anonymous, so Vaadin answers it as for an expired session and the user logs in
 * again (or cannot). The account comes from {@link AccountStates}: no query while it is remembered,
 * and a change on another console is seen within a second. Not a bean: Spring Boot would register it
 * for every request. Thread-safe (stateless).
 */
final class AccountStateFilter extends OncePerRequestFilter {

    private final AccountStates accounts;
    private final SecurityContextHolderStrategy securityContexts;

    AccountStateFilter(AccountStates accounts, SecurityContextHolderStrategy securityContexts) {
        this.accounts = accounts;
        this.securityContexts = securityContexts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = securityContexts.getContext().getAuthentication();
        if (authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken)
                && !stillValid(authentication)) {
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            securityContexts.clearContext();
        }
        chain.doFilter(request, response);
    }

    private boolean stillValid(Authentication authentication) {
        return accounts.current(authentication.getName())
                .filter(AccountStates.AccountState::enabled)
                .filter(account -> authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                        .anyMatch(account.role().authority()::equals))
                .isPresent();
    }
}
