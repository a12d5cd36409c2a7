package memberstream.base;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * This console's name among the consoles sharing one database ({@code memberstream.instance-id}),
 * used for forwarding's claims, the event log's {@code sent_by} and the live tail's checkpoints.
 * Default: host name and HTTP port, unique as long as no two consoles on one host share a port.
 * Two running consoles must never share an id: a console takes over claims bearing its own id.
 * Resolved once, on first use (after the web server has bound its port). Thread-safe.
 */
@Component
@Profile("!engine")
public class InstanceId {

    private final Environment environment;
    private volatile String id;

    InstanceId(Environment environment) {
        this.environment = environment;
    }

    public String get() {
        String resolved = id;
        if (resolved == null) {
            resolved = resolve();
            id = resolved;
        }
        return resolved;
    }

    private String resolve() {
        String configured = environment.getProperty("memberstream.instance-id");
        if (configured != null && !configured.isBlank()) {
            return configured.length() > 128 ? configured.substring(0, 128) : configured;
        }
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        return hostName() + ":" + port;
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
