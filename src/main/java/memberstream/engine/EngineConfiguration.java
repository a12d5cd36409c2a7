package memberstream.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.EngineRoute;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The engine inside a Spring context (the console's, or its own with profile {@code engine}):
 * every {@link EngineRoute} bean is served by one {@link EngineServer}, started while the context
 * starts so that clients can be built from {@link EngineServer#port()} (also published as
 * {@code local.memberstream.engine.port}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedEngine
@EnableConfigurationProperties({EngineProperties.class, ConnectionLimits.class})
public class EngineConfiguration {

    @Bean(destroyMethod = "close")
    EngineContext engineContext(EngineProperties properties, ConfigurableEnvironment environment) {
        Path dataDir = Path.of(environment.getProperty("memberstream.data-dir", "./data"));
        return new EngineContext(dataDir.resolve("engine"), properties, Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    EngineServer engineServer(List<EngineRoute> routes, EngineProperties properties, ConnectionLimits limits,
                              ConfigurableEnvironment environment) {
        EngineServer server = new EngineServer(routes, properties.bindAddress(), properties.port(), 16, limits).start();
        environment.getPropertySources().addFirst(new MapPropertySource("memberstreamEngine",
                Map.of("local.memberstream.engine.port", server.port())));
        return server;
    }
}
