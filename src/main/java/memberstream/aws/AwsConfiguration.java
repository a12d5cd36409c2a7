package memberstream.aws;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import memberstream.settings.SettingsService;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;

/**
 * The AWS clients for the configured mode and the provisioning of the resources the settings name,
 * shared by forwarding and the views. In embedded mode the clients learn the engine's port from
 * {@code local.memberstream.engine.port}, which the engine publishes once it has bound it: this
 * package never sees the engine itself.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!engine")
class AwsConfiguration {

    static final String ENGINE_PORT_PROPERTY = "local.memberstream.engine.port";

    /** How long a first call waits for the embedded engine to publish its port while the context starts. */
    private static final Duration ENGINE_START_WAIT = Duration.ofSeconds(60);

    @Bean(destroyMethod = "close")
    AwsClients awsClients(AwsProperties properties, Environment environment) {
        Supplier<URI> endpoint = switch (properties.mode()) {
            case EMBEDDED -> () -> URI.create("http://127.0.0.1:" + enginePort(environment));
            case ENDPOINT -> properties::endpoint;
            case AWS -> null;
        };
        return new AwsClients(properties, endpoint, embeddedCredentials(environment));
    }

    /** The engine's first credential pair (memberstream.engine.credentials, "<id>:<secret>,..."). */
    static AwsBasicCredentials embeddedCredentials(Environment environment) {
        String pair = environment.getProperty("memberstream.engine.credentials[0]",
                environment.getProperty("memberstream.engine.credentials", "test:test")).split(",")[0].trim();
        int colon = pair.indexOf(':');
        return colon <= 0 ? AwsClients.LOCAL_CREDENTIALS
                : AwsBasicCredentials.create(pair.substring(0, colon), pair.substring(colon + 1));
    }

    @Bean
    ResourceProvisioner resourceProvisioner(AwsClients clients, AwsProperties properties, SettingsService settings) {
        var provisioner = new ResourceProvisioner(clients, properties, settings::current);
        // In the background, so creating streams doesn't hold up the login page; ensure() is
        // synchronized and every send calls it first, so no event goes out before its resource exists.
        Thread background = new Thread(provisioner::ensure, "resource-provisioner");
        background.setDaemon(true);
        background.start();
        return provisioner;
    }

    /**
     * The embedded engine's port. The engine starts while the context starts, possibly after a first
     * caller (the provisioner's thread) asks: that caller waits for it, a bounded time.
     */
    static int enginePort(Environment environment) {
        long deadline = System.nanoTime() + ENGINE_START_WAIT.toNanos();
        while (true) {
            Integer port = environment.getProperty(ENGINE_PORT_PROPERTY, Integer.class);
            if (port != null) {
                return port;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The embedded engine has not published "
                        + ENGINE_PORT_PROPERTY + " within " + ENGINE_START_WAIT.toSeconds() + " s");
            }
            try {
                Thread.sleep(20); // waiting for another bean to start: nothing to inject a clock for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the embedded engine", e);
            }
        }
    }
}
