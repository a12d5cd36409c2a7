package memberstream.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import memberstream.engine.protocol.EngineRoute;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * The engine inside a Spring context (the console's, or its own with profile {@code engine}):
 * every {@link EngineRoute} bean is served by one {@link EngineServer}, started while the context
 * starts so that clients can be built from {@link EngineServer#port()} (also published as
 * {@code local.memberstream.engine.port}, the port bound now).
 * <p>
 * Start-up: the server and the engine's services (context, routes, stores) are lazy beans, built by
 * {@link EngineStarter} on a thread of its own, log replay included, while the main thread builds the
 * rest of the context; the context's refresh still waits for the engine (and fails if it fails). The
 * console's clients wait for the published port.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedEngine
@EnableConfigurationProperties({EngineProperties.class, EngineAccessProperties.class, ConnectionLimits.class})
public class EngineConfiguration {

    @Bean
    static EngineStarter engineStarter(BeanFactory beanFactory) {
        return new EngineStarter(beanFactory);
    }

    @Bean(destroyMethod = "close")
    @Lazy // built with the engine server
    EngineContext engineContext(EngineProperties properties, ConfigurableEnvironment environment) {
        Path dataDir = Path.of(environment.getProperty("memberstream.data-dir", "./data"));
        return new EngineContext(dataDir.resolve("engine"), properties, Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    @Lazy // built by the engine starter's thread
    EngineServer engineServer(List<EngineRoute> routes, EngineProperties properties, EngineAccessProperties access,
                              ConnectionLimits limits, EngineContext context, ConfigurableEnvironment environment) {
        EngineServer server = new EngineServer(routes, properties.bindAddress(), properties.port(), 16,
                access.frontDoor(properties.bindAddress(), context.clock()), limits).start();
        environment.getPropertySources().addFirst(new PortPropertySource(server));
        return server;
    }

    /** The port as bound now: a server restarted on port 0 binds another one, and clients must follow. */
    private static final class PortPropertySource extends PropertySource<EngineServer> {

        static final String PORT_PROPERTY = "local.memberstream.engine.port";

        PortPropertySource(EngineServer server) {
            super("memberstreamEngine", server);
        }

        @Override
        public Object getProperty(String name) {
            if (!PORT_PROPERTY.equals(name)) {
                return null;
            }
            int port = getSource().port();
            return port < 0 ? null : port;
        }
    }
}
