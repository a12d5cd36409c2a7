package memberstream.engine.s3;

import memberstream.engine.ConditionalOnEmbeddedEngine;
import memberstream.engine.EngineContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** S3 in the engine: objects as files under {@code <data-dir>/engine/s3}, served on the engine's port. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedEngine
public class S3Configuration {

    @Bean
    S3ObjectStore s3ObjectStore(EngineContext context) {
        return new S3ObjectStore(context.directory("s3"), context.clock());
    }

    @Bean
    S3Route s3Route(S3ObjectStore store) {
        return new S3Route(store);
    }
}
