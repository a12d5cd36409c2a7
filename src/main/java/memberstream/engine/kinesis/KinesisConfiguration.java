package memberstream.engine.kinesis;

import memberstream.engine.ConditionalOnEmbeddedEngine;
import memberstream.engine.EngineContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Kinesis as one of the engine's routes. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedEngine
public class KinesisConfiguration {

    @Bean(destroyMethod = "close")
    KinesisService kinesisService(EngineContext context) {
        return new KinesisService(context);
    }
}
