package memberstream.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.DeferredCsrfToken;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The CSRF check for the one request Vaadin exempts from Spring Security's: the login form's
 * {@code POST /login} ({@code VaadinWebSecurity.setLoginView} adds it to the ignored paths, and the
 * ignore list cannot be shortened). Without it a page on any origin could log a browser in under the
 * attacker's account. Vaadin's page carries the token in {@code <meta name="_csrf">}, and
 * {@code vaadin-login-form} submits it as the {@code _csrf} parameter; this filter, placed after
 * Spring's {@code CsrfFilter}, compares it with the session's token the same way Spring does. A
 * login without it goes back to the login view (a fresh page has a fresh token), unauthenticated.
 * Stateless; thread-safe.
 */
final class LoginFormCsrfFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(LoginFormCsrfFilter.class);

    private final RequestMatcher loginPost;
    private final String loginPage;
    private final CsrfTokenRequestHandler tokens = new XorCsrfTokenRequestAttributeHandler();

    LoginFormCsrfFilter(String loginPath) {
        this.loginPost = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, loginPath);
        this.loginPage = loginPath;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (loginPost.matches(request) && !carriesTheSessionsToken(request)) {
            log.warn("Refused a login without a valid CSRF token from {} (Origin: {})", request.getRemoteAddr(),
                    request.getHeader("Origin"));
            response.sendRedirect(request.getContextPath() + loginPage);
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean carriesTheSessionsToken(HttpServletRequest request) {
        if (!(request.getAttribute(DeferredCsrfToken.class.getName()) instanceof DeferredCsrfToken deferred)
                || deferred.isGenerated()) {
            return false; // no token in the session: this browser never loaded our login page
        }
        CsrfToken expected = deferred.get();
        String actual = tokens.resolveCsrfTokenValue(request, expected);
        return actual != null && MessageDigest.isEqual(expected.getToken().getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }
}
