package memberstream.engine.kinesis;

import memberstream.engine.ConditionalOnEmbeddedEngine;
import memberstream.engine.EngineContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** Kinesis as one of the engine's routes. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedEngine
public class KinesisConfiguration {

    @Bean(destroyMethod = "close")
    @Lazy // built with the engine server, in the background (EngineConfiguration)
    KinesisService kinesisService(EngineContext context) {
        return new KinesisService(context);
    }
}
