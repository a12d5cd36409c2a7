package memberstream.live.deliveries;

import memberstream.aws.AwsClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The delivery browser reads through the console's Firehose and S3 clients. */
@Configuration(proxyBeanMethods = false)
@Profile("!engine")
class DeliveriesConfiguration {

    @Bean
    DeliveryBrowser deliveryBrowser(AwsClients clients) {
        return new DeliveryBrowser(clients::firehose, clients::s3);
    }
}
