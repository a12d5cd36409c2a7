package memberstream.engine.firehose;

import memberstream.engine.ConditionalOnEmbeddedEngine;
import memberstream.engine.EngineContext;
import memberstream.engine.kinesis.KinesisService;
import memberstream.engine.s3.S3ObjectStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** Firehose in the engine: state and buffers under {@code <data-dir>/engine/firehose}, delivering to the engine's S3. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedEngine
@EnableConfigurationProperties(FirehoseProperties.class)
public class FirehoseConfiguration {

    @Bean(destroyMethod = "close")
    @Lazy // built with the engine server, in the background (EngineConfiguration)
    FirehoseService firehoseService(EngineContext context, S3ObjectStore s3, FirehoseProperties properties,
                                    ObjectProvider<KinesisService> kinesis) {
        KinesisService kinesisService = kinesis.getIfAvailable();
        KinesisSourceReader reader = kinesisService == null ? null : new KinesisRouteSourceReader(kinesisService);
        return new FirehoseService(context.directory("firehose"), s3, context.clock(), context.properties().fsync(),
                properties.retryInterval(), reader).start(properties.checkInterval());
    }

    @Bean
    @Lazy // built with the engine server, in the background (EngineConfiguration)
    FirehoseRoute firehoseRoute(FirehoseService firehose) {
        return new FirehoseRoute(firehose);
    }
}
