package memberstream.engine.cloudwatch;

import memberstream.engine.ConditionalOnEmbeddedEngine;
import memberstream.engine.EngineContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** CloudWatch PutMetricData (what KCL reports) as one of the engine's routes; {@link MetricStore} for readers. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedEngine
public class CloudWatchConfiguration {

    @Bean
    MetricStore metricStore() {
        return new MetricStore();
    }

    @Bean
    CloudWatchRoute cloudWatchRoute(MetricStore store, EngineContext context) {
        return new CloudWatchRoute(store, context.clock());
    }
}
