package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Password guessing over real HTTP, by HTTP Basic and by the login form, against the default
 * thresholds (5 failures: a delay from 1 s, doubling; 10: locked for 15 minutes; an address: 20 and
 * 30, with delays up to 512 s). Time is skipped with the {@link JumpingClock}, never slept.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoginThrottlingTest extends ConsoleOverHttp {

    private static final Duration LOCK_FOR = Duration.ofMinutes(15);

    @Autowired
    LoginLockouts lockouts;

    @Test
    void wrongBasicPasswordsDelayThenLockTheUserNameEvenForTheRightPasswordUntilTheLockoutEnds(CapturedOutput output)
            throws Exception {
        String user = newUser("basic-guessed", Role.VIEWER);
        for (int failure = 1; failure <= 5; failure++) {
            assertThat(basic(user, "wrong-" + failure).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> tooSoon = basic(user, TestUsers.PASSWORD);
        assertThat(tooSoon.statusCode()).isEqualTo(429);
        assertThat(tooSoon.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(tooSoon.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        JsonNode problem = json.readTree(tooSoon.body());
        assertThat(problem.get("status").asInt()).isEqualTo(429);
        assertThat(problem.get("detail").asText()).contains("try again in 1 seconds");

        // failures 6 to 10, each after waiting out the doubling delay: 1, 2, 4, 8, 16 s
        for (int failure = 6; failure <= 10; failure++) {
            long wait = Long.parseLong(basic(user, "wrong").headers().firstValue("Retry-After").orElseThrow());
            assertThat(wait).isEqualTo(1L << (failure - 6));
            clock.jump(Duration.ofSeconds(wait));
            assertThat(basic(user, "wrong-" + failure).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> locked = basic(user, TestUsers.PASSWORD);
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(LOCK_FOR.toSeconds() - 5, LOCK_FOR.toSeconds());
        clock.jump(LOCK_FOR.minusMinutes(1));
        assertThat(basic(user, TestUsers.PASSWORD).statusCode()).isEqualTo(429);
        assertThat(output.getAll()).containsOnlyOnce("Logins as user name '" + user + "' locked");

        clock.jump(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(basic(user, TestUsers.PASSWORD).statusCode()).isEqualTo(200);
        // the success reset the counter: a typo is an ordinary 401 again, and no wait follows it
        assertThat(basic(user, "typo").statusCode()).isEqualTo(401);
        assertThat(basic(user, TestUsers.PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void theLoginFormIsThrottledAlikeAndSaysForHowLong() throws Exception {
        String user = newUser("form-guessed", Role.VIEWER);
        var browser = browser();
        for (int failure = 1; failure <= 5; failure++) {
            assertThat(logIn(browser, user, "wrong")).endsWith("/login?error");
        }
        assertThat(logIn(browser, user, TestUsers.PASSWORD)).endsWith("/login?locked=1");
        for (int failure = 6; failure <= 10; failure++) {
            clock.jump(Duration.ofSeconds(1L << (failure - 6)));
            assertThat(logIn(browser, user, "wrong")).endsWith("/login?error");
        }

        assertThat(logIn(browser, user, TestUsers.PASSWORD)).matches(".*/login\\?locked=(89[5-9]|900)");

        clock.jump(LOCK_FOR.plusSeconds(1));
        assertThat(logIn(browser, user, TestUsers.PASSWORD)).doesNotContain("/login");
    }

    @Test
    void anAddressTryingManyUserNamesIsLockedForAllOfThem(CapturedOutput output) throws Exception {
        int failures = 0;
        while (true) {
            HttpResponse<String> response = basic("nobody-" + UUID.randomUUID(), "guess");
            if (response.statusCode() != 429) {
                assertThat(response.statusCode()).isEqualTo(401);
                failures++;
                assertThat(failures).isLessThanOrEqualTo(30);
                continue;
            }
            long wait = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
            if (wait >= LOCK_FOR.toSeconds() - 5) {
                break;
            }
            clock.jump(Duration.ofSeconds(wait));
        }
        assertThat(failures).isEqualTo(30);
        assertThat(output.getAll()).containsOnlyOnce("Logins from address 127.0.0.1 locked");
        assertThat(basic(ConsoleTest.ADMIN_USERNAME, ConsoleTest.ADMIN_PASSWORD).statusCode()).isEqualTo(429);

        TestUsers.runAsAdmin(() -> assertThat(lockouts.current())
                .anySatisfy(lockout -> {
                    assertThat(lockout.kind()).isEqualTo(LoginSubject.ADDRESS);
                    assertThat(lockout.subject()).isEqualTo("127.0.0.1");
                    assertThat(lockout.lockedOut()).isTrue();
                }));
        TestUsers.runAsAdmin(() -> lockouts.lift(LoginSubject.ADDRESS, "127.0.0.1"));

        assertThat(basic(ConsoleTest.ADMIN_USERNAME, ConsoleTest.ADMIN_PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void aSuccessResetsTheCount() throws Exception {
        String user = newUser("typist", Role.VIEWER);
        for (int round = 0; round < 3; round++) {
            for (int failure = 1; failure <= 4; failure++) {
                assertThat(basic(user, "typo").statusCode()).isEqualTo(401);
            }
            assertThat(basic(user, TestUsers.PASSWORD).statusCode()).isEqualTo(200);
        }
        assertThat(jdbc.queryForObject("select count(*) from login_failures", Integer.class)).isZero();
    }
}
