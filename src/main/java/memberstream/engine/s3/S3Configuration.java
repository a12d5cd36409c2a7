package memberstream.engine.s3;

import memberstream.engine.ConditionalOnEmbeddedEngine;
import memberstream.engine.EngineContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** S3 in the engine: objects as files under {@code <data-dir>/engine/s3}, served on the engine's port. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedEngine
public class S3Configuration {

    @Bean
    @Lazy // built with the engine server, in the background (EngineConfiguration)
    S3ObjectStore s3ObjectStore(EngineContext context) {
        return new S3ObjectStore(context.directory("s3"), context.clock());
    }

    @Bean
    @Lazy // built with the engine server, in the background (EngineConfiguration)
    S3Route s3Route(S3ObjectStore store) {
        return new S3Route(store);
    }
}
