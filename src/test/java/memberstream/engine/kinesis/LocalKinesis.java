package memberstream.engine.kinesis;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import memberstream.KinesisWireProtocol;
import memberstream.engine.EngineProperties;
import memberstream.engine.EngineServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The Kinesis service behind a real engine server on a free port, for tests; no Spring. */
final class LocalKinesis implements AutoCloseable {

    final KinesisService service;
    final EngineServer server;
    /** Content types of the requests the clients built here sent. */
    final List<String> sentContentTypes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<KinesisClient> clients = new ArrayList<>();

    LocalKinesis(Path directory, EngineProperties properties, Clock clock) {
        this(directory, properties, clock, 128L * 1024 * 1024);
    }

    LocalKinesis(Path directory, EngineProperties properties, Clock clock, long segmentBytes) {
        this.service = new KinesisService(directory, properties, clock, segmentBytes);
        this.server = new EngineServer(List.of(service), "127.0.0.1", 0).start();
    }

    /** A client without retries (so throttling and errors surface at once), CBOR unless {@code json}. */
    KinesisClient client(boolean json) {
        return client(json, new ExecutionInterceptor() {
        });
    }

    /** As {@link #client(boolean)}, with one more interceptor (e.g. to see the answers on the wire). */
    KinesisClient client(boolean json, ExecutionInterceptor extra) {
        KinesisClient client = KinesisWireProtocol.building(json, () -> KinesisClient.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClient(ApacheHttpClient.create())
                    .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                            .retryStrategy(b -> b.maxAttempts(1))
                            .addExecutionInterceptor(new ExecutionInterceptor() {
                                @Override
                                public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                                    context.httpRequest().firstMatchingHeader("Content-Type").ifPresent(sentContentTypes::add);
                                }
                            })
                            .addExecutionInterceptor(extra))
                    .build());
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        clients.forEach(KinesisClient::close);
        server.close();
        service.close();
    }
}
