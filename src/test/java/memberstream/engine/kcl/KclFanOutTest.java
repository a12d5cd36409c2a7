package memberstream.engine.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.kinesis.retrieval.RetrievalSpecificConfig;
import software.amazon.kinesis.retrieval.fanout.FanOutConfig;

/**
 * {@link KclWorkersScenario} with KCL's default retrieval, enhanced fan-out: KCL registers a stream
 * consumer named after the application and reads every shard through SubscribeToShard, over the SDK's
 * async client as it comes (HTTP/2 with prior knowledge against an {@code http://} endpoint).
 */
class KclFanOutTest extends KclWorkersScenario {

    @Override
    protected KinesisAsyncClient kinesisClient(URI endpoint, StaticCredentialsProvider credentials) {
        return KinesisAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                .build();
    }

    @Override
    protected RetrievalSpecificConfig retrieval(String stream, String application, KinesisAsyncClient kinesis) {
        return new FanOutConfig(kinesis).streamName(stream).applicationName(application);
    }

    @Override
    protected void afterScenario(KinesisClient kinesis) {
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamARN();
        assertThat(kinesis.listStreamConsumers(b -> b.streamARN(streamArn)).consumers())
                .as("KCL registered its fan-out consumer")
                .anySatisfy(c -> {
                    assertThat(c.consumerName()).isEqualTo(APP);
                    assertThat(c.consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE);
                });
    }
}
