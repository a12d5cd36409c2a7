package memberstream.live;

import java.time.Clock;
import memberstream.aws.AwsClients;
import memberstream.settings.SettingsService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Wires the live features onto forwarding's SDK clients (the same endpoint, credentials and mode as
 * the sinks): the feed the views read, the consumer of the Kinesis stream named in the settings, the
 * explorer and the delivery browser.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!engine")
class LiveConfiguration {

    @Bean
    LiveFeed liveFeed(LiveProperties properties, Clock clock) {
        return new LiveFeed(properties.bufferSize(), clock);
    }

    @Bean
    StreamExplorer streamExplorer(AwsClients clients) {
        return new StreamExplorer(clients::kinesis);
    }

    @Bean
    DeliveryBrowser deliveryBrowser(AwsClients clients) {
        return new DeliveryBrowser(clients::firehose, clients::s3);
    }

    @Bean
    LiveConsumerRunner liveConsumerRunner(AwsClients clients, JpaCheckpoints checkpoints, SettingsService settings,
                                          LiveFeed feed, LiveProperties properties, Clock clock) {
        LiveConsumer consumer = new LiveConsumer(clients::kinesis, checkpoints,
                () -> settings.current().kinesisStreamName(), feed, properties, clock);
        if (!properties.consumerEnabled()) {
            feed.status(new LiveStatus(null, LiveStatus.State.DISABLED,
                    "The live consumer is off (memberstream.live.consumer-enabled=false)", java.util.List.of()));
        }
        return new LiveConsumerRunner(consumer, properties.consumerEnabled());
    }
}
