package memberstream.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import memberstream.forwarding.AwsClients;
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

    /** How long the consumer trusts the stream name it read from the settings. */
    static final Duration SETTINGS_REREAD = Duration.ofSeconds(2);

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
                cached(() -> settings.current().kinesisStreamName(), clock), feed, properties, clock);
        if (!properties.consumerEnabled()) {
            feed.status(new LiveStatus(null, LiveStatus.State.DISABLED,
                    "The live consumer is off (memberstream.live.consumer-enabled=false)", java.util.List.of()));
        }
        return new LiveConsumerRunner(consumer, properties.consumerEnabled());
    }

    /** Reads the settings at most every {@link #SETTINGS_REREAD}; only the consumer thread calls it. */
    private static Supplier<String> cached(Supplier<String> read, Clock clock) {
        return new Supplier<>() {
            private String value;
            private Instant readAt = Instant.MIN;

            @Override
            public String get() {
                Instant now = clock.instant();
                if (value == null || !now.isBefore(readAt.plus(SETTINGS_REREAD))) {
                    value = read.get();
                    readAt = now;
                }
                return value;
            }
        };
    }
}
