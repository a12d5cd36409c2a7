package memberstream.live.tail;

import java.time.Clock;
import java.util.List;
import memberstream.aws.AwsClients;
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
                                          LiveFeed feed, LiveProperties properties, Clock clock) {
        LiveConsumer consumer = new LiveConsumer(clients::kinesis, checkpoints,
                () -> settings.current().kinesisStreamName(), feed, properties, clock);
        if (!properties.consumerEnabled()) {
            feed.status(new LiveStatus(null, LiveStatus.State.DISABLED,
                    "The live consumer is off (memberstream.live.consumer-enabled=false)", List.of()));
        }
        return new LiveConsumerRunner(consumer, properties.consumerEnabled());
    }
}
