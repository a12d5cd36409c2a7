package memberstream.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The system's UTC time plus however far a test has jumped ahead: the rest of a running console
 * (engine, forwarding) keeps seeing time pass, while a test skips a lockout without sleeping. A test
 * that counts seconds freezes it meanwhile.
 * Thread-safe.
 */
final class JumpingClock extends Clock {

    private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);
    private final AtomicReference<Instant> frozenAt = new AtomicReference<>();

    void jump(Duration duration) {
        ahead.updateAndGet(current -> current.plus(duration));
    }

    /** Stops time (but not jumps), so that a slow machine cannot let a short delay pass unnoticed. */
    void freeze() {
        frozenAt.set(Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    /** Lets time pass again from where it stands. */
    void thaw() {
        Instant frozen = frozenAt.getAndSet(null);
        if (frozen != null) {
            Instant stood = frozen.plus(ahead.get());
            ahead.set(Duration.between(Instant.now(), stood));
        }
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
        Instant frozen = frozenAt.get();
        // whole microseconds, as PostgreSQL stores them: a stored wait then reads back exactly
        return (frozen == null ? Instant.now() : frozen).plus(ahead.get()).truncatedTo(ChronoUnit.MICROS);
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
