package memberstream.security;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Health (and readiness) is UP only once someone can log in as configured: the first admin exists and
 * a configured {@code memberstream.admin.password} is the one in force. Before that a script that waits
 * for UP and then calls the API would get 401. Reads a flag, never the database or BCrypt, so the open
 * health endpoint costs nothing however often it is polled.
 */
@Component
class FirstAdminHealthIndicator extends AbstractHealthIndicator {

    private final FirstAdminInitializer initializer;

    FirstAdminHealthIndicator(FirstAdminInitializer initializer) {
        super("First admin check failed");
        this.initializer = initializer;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (initializer.done()) {
            builder.up();
        } else {
            builder.outOfService().withDetail("reason", "the first admin or its configured password is not set yet");
        }
    }
}
