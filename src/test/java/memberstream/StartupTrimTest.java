package memberstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

/**
 * What the console leaves out at start (issue 13, start-up) stays out, and what moved to the tests still
 * happens there: no meter or observation registry (nothing reads them), and the schema check against the
 * entities, which the console skips, runs in every full-context test.
 */
@ConsoleTest
class StartupTrimTest {

    @Autowired
    ApplicationContext context;

    @Autowired
    Environment environment;

    @Test
    void startsWithoutMetricsOrObservations() {
        assertThat(context.getBeanNamesForType(MeterRegistry.class)).isEmpty();
        assertThat(context.getBeanNamesForType(ObservationRegistry.class)).isEmpty();
    }

    @Test
    void theTestsValidateTheSchemaThatTheConsoleTrusts() {
        assertThat(environment.getProperty("spring.jpa.hibernate.ddl-auto")).isEqualTo("validate");
    }
}
