package memberstream;

import org.flywaydb.core.Flyway;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Test-only, picked up by component scanning in every test context: each context starts on an
 * empty schema (Flyway clean, then migrate). Test data directories under {@code target/} outlive a
 * run, and migrations land on main in any order, so an old test database would otherwise fail
 * Flyway's validation ("resolved migration not applied") or leak rows into the next run.
 * A test that must keep its database across context restarts sets
 * {@code memberstream.test.fresh-database=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "memberstream.test.fresh-database", havingValue = "true", matchIfMissing = true)
class FreshTestDatabase {

    @Bean
    FlywayMigrationStrategy cleanThenMigrate() {
        return flyway -> {
            Flyway.configure().configuration(flyway.getConfiguration()).cleanDisabled(false).load().clean();
            flyway.migrate();
        };
    }
}
