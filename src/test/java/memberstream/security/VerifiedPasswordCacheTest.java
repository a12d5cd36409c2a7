package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

class VerifiedPasswordCacheTest {

    /** Accepts "right" for the hash "hash-of-right" and counts how often it was asked. */
    static final class CountingEncoder implements PasswordEncoder {
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public String encode(CharSequence raw) {
            return "hash-of-" + raw;
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            checks.incrementAndGet();
            return encoded.equals("hash-of-" + raw);
        }
    }

    final CountingEncoder bcrypt = new CountingEncoder();
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    final VerifiedPasswordCache cache = new VerifiedPasswordCache(bcrypt, clock);

    @Test
    void theSameCredentialsAreCheckedOnceWithinThePeriod() {
        for (int i = 0; i < 100; i++) {
            assertThat(cache.matches("right", "hash-of-right")).isTrue();
        }
        assertThat(bcrypt.checks).hasValue(1);

        now = now.plus(VerifiedPasswordCache.REMEMBER_FOR).plusSeconds(1);
        assertThat(cache.matches("right", "hash-of-right")).isTrue();
        assertThat(bcrypt.checks).hasValue(2);
    }

    @Test
    void wrongPasswordsAreNeverRememberedAndANewHashIsCheckedAgain() {
        assertThat(cache.matches("right", "hash-of-right")).isTrue();
        assertThat(cache.matches("wrong", "hash-of-right")).isFalse();
        assertThat(cache.matches("wrong", "hash-of-right")).isFalse();
        assertThat(bcrypt.checks).hasValue(3);

        // the password was changed: the stored hash differs, the old password no longer passes
        assertThat(cache.matches("right", "hash-of-new")).isFalse();
        now = now.plus(Duration.ofSeconds(1));
        assertThat(cache.matches("new", "hash-of-new")).isTrue();
    }
}
