package memberstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Profile {@code engine}: the engine alone, without the console's database, UI or web server. */
class EngineStandaloneTest {

    @Test
    void theEngineProfileStartsOnlyTheEngine() {
        String[] args = {"--spring.profiles.active=engine", "--memberstream.engine.port=0",
                "--memberstream.data-dir=target/test-data/engine-standalone"};
        assertThat(EngineApplication.requested(args)).isTrue();
        assertThat(EngineApplication.requested(new String[] {"--server.port=0"})).isFalse();
        try (ConfigurableApplicationContext context = EngineApplication.run(args)) {
            assertThat(context.getBean(EngineServer.class).port()).isPositive();
            assertThat(context.getBeansOfType(DataSource.class)).isEmpty();
            assertThat(context.getBeanNamesForType(org.springframework.boot.web.server.WebServer.class)).isEmpty();
            assertThat(context.getEnvironment().getProperty("local.memberstream.engine.port", Integer.class))
                    .isEqualTo(context.getBean(EngineServer.class).port());
            // a second engine on the same data directory fails clearly
            assertThatThrownBy(() -> EngineApplication.run(args).close())
                    .hasStackTraceContaining("is in use by another process");
        }
    }
}
