package memberstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** Before the first admin is in force, health is not UP (the UP side is in {@link HealthReadinessTest}). */
class FirstAdminHealthIndicatorTest {

    @Test
    void outOfServiceUntilTheInitializerHasRun() {
        var initializer = new FirstAdminInitializer(new AdminProperties("admin", "a-configured-password"), null, null,
                null, null, Clock.systemUTC());

        Health health = new FirstAdminHealthIndicator(initializer).health();

        assertThat(initializer.done()).isFalse();
        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails()).containsKey("reason");
    }
}
