package memberstream.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The system's UTC time plus however far a test has jumped ahead: the rest of a running console
 * (engine, forwarding) keeps seeing time pass, while a test skips a lockout without sleeping.
 * Thread-safe.
 */
final class JumpingClock extends Clock {

    private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

    void jump(Duration duration) {
        ahead.updateAndGet(current -> current.plus(duration));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead.get());
    }

    /** Makes a {@link JumpingClock} the console's clock. */
    @TestConfiguration(proxyBeanMethods = false)
    static class AsTheConsolesClock {
        @Bean
        @Primary
        JumpingClock jumpingClock() {
            return new JumpingClock();
        }
    }
}
