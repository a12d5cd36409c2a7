package memberstream.engine.firehose;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Firehose delivery settings ({@code memberstream.engine.firehose.*}).
 *
 * @param checkInterval how often the delivery thread looks for buffers whose interval has passed (a full
 *                      buffer wakes it at once)
 * @param retryInterval how long a failed delivery (for example, to a bucket that does not exist) waits
 *                      before the next attempt; the records stay buffered meanwhile
 */
@ConfigurationProperties("memberstream.engine.firehose")
public record FirehoseProperties(
        @DefaultValue("1s") Duration checkInterval,
        @DefaultValue("10s") Duration retryInterval) {
}
