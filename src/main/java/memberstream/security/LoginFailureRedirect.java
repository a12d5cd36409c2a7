package memberstream.security;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;

/**
 * Where a failed form login goes: {@code /login?error}, or {@code /login?locked=<seconds>} when the
 * user name or address must wait, so the login view can say for how long.
 */
final class LoginFailureRedirect extends SimpleUrlAuthenticationFailureHandler {

    LoginFailureRedirect() {
        super("/login?error");
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException, ServletException {
        if (exception instanceof LoginThrottledException mustWait) {
            getRedirectStrategy().sendRedirect(request, response, "/login?locked=" + mustWait.retryAfterSeconds());
            return;
        }
        super.onAuthenticationFailure(request, response, exception);
    }
}
