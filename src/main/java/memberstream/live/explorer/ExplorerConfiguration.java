package memberstream.live.explorer;

import memberstream.aws.AwsClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The stream explorer reads through the console's Kinesis client, whatever endpoint it points at. */
@Configuration(proxyBeanMethods = false)
@Profile("!engine")
class ExplorerConfiguration {

    @Bean
    StreamExplorer streamExplorer(AwsClients clients) {
        return new StreamExplorer(clients::kinesis);
    }

    @Bean
    ConsumerExplorer consumerExplorer(AwsClients clients) {
        return new ConsumerExplorer(clients);
    }
}
