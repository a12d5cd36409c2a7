package memberstream.engine;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one client can hold of the engine's front door ({@code memberstream.engine.connections.*}).
 * The defaults are far above what the SDKs, the CLI and the console use, so a user never meets them;
 * they only stop connections that do nothing, or bodies that never finish, from piling up.
 *
 * @param idleTimeout        a keep-alive connection with no request in progress for this long is closed
 * @param readTimeout        a request whose next bytes do not arrive within this is answered 408 and its connection closed
 * @param maxOpen            connections open at once; one more is closed as soon as it is accepted
 * @param maxBufferedBodies  bytes held, over all connections, for request bodies still arriving; a request that
 *                           would pass it is answered 503 (SlowDown / ServiceUnavailable) and its connection closed
 */
@ConfigurationProperties("memberstream.engine.connections")
public record ConnectionLimits(
        @DefaultValue("5m") Duration idleTimeout,
        @DefaultValue("60s") Duration readTimeout,
        @DefaultValue("1000") int maxOpen,
        @DefaultValue("256MB") DataSize maxBufferedBodies) {

    public static ConnectionLimits defaults() {
        return new ConnectionLimits(Duration.ofMinutes(5), Duration.ofSeconds(60), 1000, DataSize.ofMegabytes(256));
    }
}
