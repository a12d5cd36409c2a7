package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/** The order of things around one password check, with a recording stand-in for the throttle. */
class ThrottledAuthenticationProviderTest {

    final List<String> calls = new ArrayList<>();
    RuntimeException attemptFails;

    final LoginThrottle throttle = new LoginThrottle(null, null, null) {
        @Override
        Attempt attempt(String username, String address) {
            calls.add("attempt " + username);
            if (attemptFails != null) {
                throw attemptFails;
            }
            return new Attempt(username, address, 1, 1);
        }

        @Override
        void succeeded(Attempt attempt) {
            calls.add("succeeded");
        }

        @Override
        void failed(Attempt attempt) {
            calls.add("failed");
        }
    };

    final AuthenticationProvider passwords = new AuthenticationProvider() {
        @Override
        public Authentication authenticate(Authentication authentication) {
            calls.add("check password");
            if (!"right".equals(authentication.getCredentials())) {
                throw new BadCredentialsException("Bad credentials");
            }
            return UsernamePasswordAuthenticationToken.authenticated(authentication.getName(), null, List.of());
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return true;
        }
    };

    final ThrottledAuthenticationProvider provider = new ThrottledAuthenticationProvider(passwords, throttle);

    @Test
    void theThrottleIsAskedBeforeThePasswordAndToldTheOutcome() {
        assertThat(provider.authenticate(login("right")).isAuthenticated()).isTrue();
        assertThatThrownBy(() -> provider.authenticate(login("wrong"))).isInstanceOf(BadCredentialsException.class);

        assertThat(calls).containsExactly("attempt ada", "check password", "succeeded",
                "attempt ada", "check password", "failed");
    }

    @Test
    void aBlockedAttemptNeverReachesThePasswordCheck() {
        attemptFails = new LoginThrottledException(Duration.ofSeconds(3));

        assertThatThrownBy(() -> provider.authenticate(login("right"))).isInstanceOf(LoginThrottledException.class)
                .satisfies(e -> assertThat(((LoginThrottledException) e).retryAfterSeconds()).isEqualTo(3));
        assertThat(calls).containsExactly("attempt ada");
    }

    @Test
    void withoutTheDatabaseNobodyLogsIn() {
        attemptFails = new DataAccessResourceFailureException("database down");

        assertThatThrownBy(() -> provider.authenticate(login("right")))
                .isInstanceOf(InternalAuthenticationServiceException.class);
        assertThat(calls).doesNotContain("check password");
    }

    private static Authentication login(String password) {
        return UsernamePasswordAuthenticationToken.unauthenticated("ada", password);
    }
}
