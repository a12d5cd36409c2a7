package memberstream.live.tail;

import java.time.Clock;
import java.util.List;
import memberstream.aws.AwsClients;
import memberstream.base.InstanceId;
import memberstream.settings.SettingsService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Wires the live tail onto the console's SDK clients (the same endpoint, credentials and mode as the
 * sinks): the feed the view reads and the consumer of the Kinesis stream named in the settings.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!engine")
class LiveTailConfiguration {

    @Bean
    LiveFeed liveFeed(LiveProperties properties, Clock clock) {
        return new LiveFeed(properties.bufferSize(), clock);
    }

    @Bean
    LiveConsumerRunner liveConsumerRunner(AwsClients clients, JpaCheckpoints checkpoints, SettingsService settings,
                                          LiveFeed feed, LiveProperties properties, Clock clock, InstanceId instanceId) {
        LiveConsumer consumer = new LiveConsumer(clients::kinesis, properties.fanOut() ? clients::kinesisAsync : null,
                consumerName(instanceId.get()), checkpoints, () -> settings.current().kinesisStreamName(), feed,
                properties, clock);
        if (!properties.consumerEnabled()) {
            feed.status(new LiveStatus(null, LiveStatus.State.DISABLED,
                    "The live consumer is off (memberstream.live.consumer-enabled=false)", List.of()));
        }
        return new LiveConsumerRunner(consumer, feed, properties.idleAfter(), properties.consumerEnabled());
    }

    /**
     * The stream consumer's name: one per console (issue #14), so that consoles never take over each
     * other's subscriptions. Kinesis allows {@code [a-zA-Z0-9_.-]}, up to 128 characters.
     */
    static String consumerName(String instanceId) {
        String name = "memberstream-live-" + instanceId.replaceAll("[^a-zA-Z0-9_.-]", "_");
        return name.length() > 128 ? name.substring(0, 128) : name;
    }
}
