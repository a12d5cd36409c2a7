package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottlePropertiesTest {

    final LoginThrottleProperties defaults = new LoginThrottleProperties(5, Duration.ofSeconds(1), 10, 20, 30,
            Duration.ofMinutes(15), Duration.ofHours(1));

    @Test
    void aUserNameWaitsFromTheFifthFailureDoublingThenIsLockedAtTheTenth() {
        assertThat(defaults.blockAfter(LoginSubject.USERNAME, 4)).isZero();
        assertThat(defaults.blockAfter(LoginSubject.USERNAME, 5)).hasSeconds(1);
        assertThat(defaults.blockAfter(LoginSubject.USERNAME, 6)).hasSeconds(2);
        assertThat(defaults.blockAfter(LoginSubject.USERNAME, 9)).hasSeconds(16);
        assertThat(defaults.locksOut(LoginSubject.USERNAME, 9)).isFalse();
        assertThat(defaults.blockAfter(LoginSubject.USERNAME, 10)).hasMinutes(15);
        assertThat(defaults.locksOut(LoginSubject.USERNAME, 10)).isTrue();
        assertThat(defaults.blockAfter(LoginSubject.USERNAME, 1_000_000)).hasMinutes(15);
    }

    @Test
    void anAddressHasHigherThresholdsAndADelayNeverExceedsALockout() {
        assertThat(defaults.blockAfter(LoginSubject.ADDRESS, 19)).isZero();
        assertThat(defaults.blockAfter(LoginSubject.ADDRESS, 20)).hasSeconds(1);
        assertThat(defaults.blockAfter(LoginSubject.ADDRESS, 29)).hasSeconds(512);
        assertThat(defaults.blockAfter(LoginSubject.ADDRESS, 30)).hasMinutes(15);

        var steep = new LoginThrottleProperties(1, Duration.ofMinutes(1), 100, 1, 100, Duration.ofMinutes(15),
                Duration.ofHours(1));
        assertThat(steep.blockAfter(LoginSubject.USERNAME, 60)).hasMinutes(15);
    }

    @Test
    void nonsenseIsRefusedAtStartup() {
        assertThatThrownBy(() -> new LoginThrottleProperties(5, Duration.ofSeconds(1), 4, 20, 30,
                Duration.ofMinutes(15), Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoginThrottleProperties(5, Duration.ZERO, 10, 20, 30,
                Duration.ofMinutes(15), Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoginThrottleProperties(5, Duration.ofSeconds(1), 10, 20, 30,
                Duration.ofMinutes(15), Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
    }
}
