package memberstream.engine;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.FrontDoor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the engine ({@code memberstream.engine.*}, next to {@link EngineProperties}; see the README).
 *
 * @param auth        {@code sigv4} (every request signed with one of the credentials) or {@code none}
 * @param credentials access key id and secret pairs, each written {@code <id>:<secret>}
 * @param hostnames   Host names served besides localhost, loopback addresses and the bind address
 *                    (with their {@code <bucket>.} sub-names for S3's virtual-hosted style)
 * @param corsOrigins browser origins allowed to call the engine, e.g. {@code http://localhost:3000}; {@code *} any
 */
@ConfigurationProperties("memberstream.engine")
public record EngineAccessProperties(
        @DefaultValue("sigv4") FrontDoor.Auth auth,
        @DefaultValue("test:test") List<String> credentials,
        @DefaultValue List<String> hostnames,
        @DefaultValue List<String> corsOrigins) {

    public EngineAccessProperties {
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
        hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
        if (auth == FrontDoor.Auth.SIGV4 && credentials.isEmpty()) {
            throw new IllegalArgumentException("memberstream.engine.auth=sigv4 needs at least one pair in "
                    + "memberstream.engine.credentials, e.g. test:test");
        }
        secrets(credentials);
    }

    /** The secret of each access key id. */
    public Map<String, String> secrets() {
        return secrets(credentials);
    }

    private static Map<String, String> secrets(List<String> pairs) {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String pair : pairs) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("memberstream.engine.credentials takes <access key id>:<secret> pairs, "
                        + "e.g. test:test; one entry has no ':' or an empty part");
            }
            secrets.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
        }
        return secrets;
    }

    FrontDoor frontDoor(String bindAddress, Clock clock) {
        return new FrontDoor(auth, secrets(), bindAddress, hostnames, corsOrigins, clock);
    }
}
