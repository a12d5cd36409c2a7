package memberstream.engine.kcl;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.retrieval.RetrievalSpecificConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/** {@link KclWorkersScenario} with KCL's polling retrieval (GetRecords every 200 ms), over HTTP/1.1. */
class KclPollingTest extends KclWorkersScenario {

    @Override
    protected KinesisAsyncClient kinesisClient(URI endpoint, StaticCredentialsProvider credentials) {
        return KinesisAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)).build();
    }

    @Override
    protected RetrievalSpecificConfig retrieval(String stream, String application, KinesisAsyncClient kinesis) {
        return new PollingConfig(stream, kinesis).idleTimeBetweenReadsInMillis(200);
    }
}
