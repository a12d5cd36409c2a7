package memberstream.engine;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The engine alone (profile {@code engine}): only {@code memberstream.engine..} is scanned, no web
 * server, no database, no UI. Deliberately not a {@code @Configuration}, so that the console's
 * component scan never picks it up.
 */
@ComponentScan("memberstream.engine")
@ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, ConfigurationPropertiesAutoConfiguration.class})
public class EngineApplication {

    public static final String PROFILE = "engine";

    /** True if the arguments or the environment activate the {@code engine} profile. */
    public static boolean requested(String[] args) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        return Arrays.asList(environment.getActiveProfiles()).contains(PROFILE);
    }

    public static ConfigurableApplicationContext run(String[] args) {
        SpringApplication application = new SpringApplication(EngineApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        // Alone, the engine always runs, whatever mode the console's clients are configured for.
        String[] withMode = Stream.concat(Arrays.stream(args), Stream.of("--memberstream.aws.mode=embedded"))
                .toArray(String[]::new);
        return application.run(withMode);
    }

    /**
     * Runs the engine until its context closes (SIGTERM, or the context being closed). Netty's acceptor
     * thread is a daemon and its I/O threads start with the first connection, so without this wait the
     * JVM would exit right after start-up.
     */
    public static void runUntilClosed(String[] args) throws InterruptedException {
        ConfigurableApplicationContext context = run(args);
        CountDownLatch closed = new CountDownLatch(1);
        context.addApplicationListener((ApplicationListener<ContextClosedEvent>) event -> closed.countDown());
        if (context.isActive()) {
            closed.await();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        runUntilClosed(args);
    }
}
