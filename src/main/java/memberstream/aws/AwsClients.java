package memberstream.aws;

import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The console's AWS SDK v2 clients (Kinesis, Firehose, S3, and DynamoDB and CloudWatch for the stream
 * explorer's lease tables and KCL metrics) for the configured {@link AwsMode}. They
 * share one Apache HTTP client with short timeouts, and the SDK's own retries are off: the
 * {@link DeliveryRetryPolicy} is the only retry loop. Credentials stay on the server: static local
 * ones for the embedded engine, the default chain otherwise.
 *
 * <p>The clients are built on first use and rebuilt when the endpoint moves, because the embedded
 * engine only knows its port once it has bound it (and binds again after a restart). Thread-safe.
 */
public class AwsClients implements AutoCloseable {

    /** What the embedded engine accepts unless memberstream.engine.credentials says otherwise (LocalStack's pair too). */
    static final AwsBasicCredentials LOCAL_CREDENTIALS = AwsBasicCredentials.create("test", "test");

    private final AwsProperties properties;
    private final AwsBasicCredentials embeddedCredentials;
    private final Supplier<URI> endpoint;
    private final SdkHttpClient http;
    private volatile Clients current;
    /** For event streams (SubscribeToShard): Netty, HTTP/2 (with prior knowledge against http://), built on first use. */
    private volatile SdkAsyncHttpClient asyncHttp;
    private volatile KinesisAsyncClient kinesisAsync;
    private volatile URI kinesisAsyncEndpoint;

    private record Clients(URI endpoint, KinesisClient kinesis, FirehoseClient firehose, S3Client s3,
                           DynamoDbClient dynamoDb, CloudWatchClient cloudWatch) {
    }

    /**
     * @param endpoint where the clients point, asked before each use; null for real AWS
     */
    AwsClients(AwsProperties properties, Supplier<URI> endpoint) {
        this(properties, endpoint, LOCAL_CREDENTIALS);
    }

    /** @param embeddedCredentials the pair the embedded engine checks signatures with (its first configured one) */
    AwsClients(AwsProperties properties, Supplier<URI> endpoint, AwsBasicCredentials embeddedCredentials) {
        this.properties = properties;
        this.embeddedCredentials = embeddedCredentials;
        this.endpoint = endpoint;
        this.http = ApacheHttpClient.builder()
                .connectionTimeout(properties.connectTimeout())
                .socketTimeout(properties.callTimeout())
                .connectionAcquisitionTimeout(properties.callTimeout())
                .maxConnections(64)
                .build();
    }

    public KinesisClient kinesis() {
        return clients().kinesis();
    }

    /**
     * Kinesis over HTTP/2 for enhanced fan-out. No call timeout: a subscription lasts up to five
     * minutes; the connection's read timeout still ends a silent one.
     */
    public KinesisAsyncClient kinesisAsync() {
        URI uri = endpoint();
        KinesisAsyncClient client = kinesisAsync;
        if (client != null && Objects.equals(kinesisAsyncEndpoint, uri)) {
            return client;
        }
        synchronized (this) {
            if (kinesisAsync == null || !Objects.equals(kinesisAsyncEndpoint, uri)) {
                if (asyncHttp == null) {
                    asyncHttp = NettyNioAsyncHttpClient.builder()
                            .connectionTimeout(properties.connectTimeout())
                            .maxConcurrency(64)
                            .build();
                }
                var builder = KinesisAsyncClient.builder().httpClient(asyncHttp).region(region())
                        .credentialsProvider(credentials())
                        .overrideConfiguration(ClientOverrideConfiguration.builder()
                                .retryStrategy(AwsRetryStrategy.doNotRetry()).build());
                if (uri != null) {
                    builder.endpointOverride(uri);
                }
                kinesisAsync = builder.build();
                kinesisAsyncEndpoint = uri;
            }
            return kinesisAsync;
        }
    }

    public FirehoseClient firehose() {
        return clients().firehose();
    }

    public S3Client s3() {
        return clients().s3();
    }

    public DynamoDbClient dynamoDb() {
        return clients().dynamoDb();
    }

    public CloudWatchClient cloudWatch() {
        return clients().cloudWatch();
    }

    /** Which kind of endpoint the clients talk to. */
    public AwsMode mode() {
        return properties.mode();
    }


    /**
     * A signed Kinesis call that the SDK does not model (the embedded engine's extensions), to the
     * clients' endpoint with their credentials and region.
     */
    public SignedJsonCall.Answer kinesisExtension(String operation, String json) {
        URI uri = endpoint();
        if (uri == null) {
            throw new UnsupportedOperationException(operation + " is not an AWS operation.");
        }
        return SignedJsonCall.post(http, uri, credentials(), region(), "kinesis", "Kinesis_20131202." + operation, json);
    }

    /** The endpoint the clients use now; null means AWS's own. */
    public URI endpoint() {
        return endpoint == null ? null : endpoint.get();
    }

    public Region region() {
        if (properties.region() != null && !properties.region().isBlank()) {
            return Region.of(properties.region());
        }
        return properties.mode() == AwsMode.AWS ? new DefaultAwsRegionProviderChain().getRegion() : Region.US_EAST_1;
    }

    private Clients clients() {
        URI uri = endpoint();
        Clients clients = current;
        if (clients != null && Objects.equals(clients.endpoint(), uri)) {
            return clients;
        }
        synchronized (this) {
            clients = current;
            if (clients == null || !Objects.equals(clients.endpoint(), uri)) {
                // Clients for an old endpoint are left to the garbage collector: a call may still be using one.
                clients = build(uri);
                current = clients;
            }
            return clients;
        }
    }

    private Clients build(URI uri) {
        return new Clients(uri,
                configure(KinesisClient.builder(), uri).build(),
                configure(FirehoseClient.builder(), uri).build(),
                configure(S3Client.builder(), uri).forcePathStyle(uri != null).build(),
                configure(DynamoDbClient.builder(), uri).build(),
                configure(CloudWatchClient.builder(), uri).build());
    }

    private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
    B configure(B builder, URI uri) {
        builder.httpClient(http)
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(properties.callTimeout())
                        .build());
        if (uri != null) {
            builder.endpointOverride(uri);
        }
        return builder;
    }

    private AwsCredentialsProvider credentials() {
        return switch (properties.mode()) {
            case EMBEDDED -> StaticCredentialsProvider.create(embeddedCredentials);
            // LocalStack and friends accept anything; real credentials from the environment win if present.
            case ENDPOINT -> AwsCredentialsProviderChain.of(DefaultCredentialsProvider.builder().build(),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
            case AWS -> DefaultCredentialsProvider.builder().build();
        };
    }

    @Override
    public void close() {
        Clients clients = current;
        if (clients != null) {
            clients.kinesis().close();
            clients.firehose().close();
            clients.s3().close();
            clients.dynamoDb().close();
            clients.cloudWatch().close();
        }
        if (kinesisAsync != null) {
            kinesisAsync.close();
        }
        if (asyncHttp != null) {
            asyncHttp.close();
        }
        http.close();
    }
}
