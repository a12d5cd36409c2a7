package memberstream.security;

import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The one password check of the console (login form and HTTP Basic): asks {@link LoginThrottle}
 * first, so a blocked user name or address is refused before BCrypt runs, even with the right
 * password; then lets the delegate check the password and reports the outcome.
 */
final class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private final AuthenticationProvider passwords;
    private final LoginThrottle throttle;

    ThrottledAuthenticationProvider(AuthenticationProvider passwords, LoginThrottle throttle) {
        this.passwords = passwords;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String address = authentication.getDetails() instanceof WebAuthenticationDetails web
                ? web.getRemoteAddress() : null;
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.attempt(authentication.getName(), address);
        } catch (DataAccessException databaseDown) {
            // fail closed, as the password check itself does when it cannot read the user
            throw new InternalAuthenticationServiceException("Cannot count login attempts", databaseDown);
        }
        Authentication result;
        try {
            result = passwords.authenticate(authentication);
        } catch (BadCredentialsException wrong) {
            throttle.failed(attempt);
            throw wrong;
        }
        if (result != null) {
            throttle.succeeded(attempt);
        }
        return result;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
