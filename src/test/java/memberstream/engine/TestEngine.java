package memberstream.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import memberstream.MutableClock;
import memberstream.engine.firehose.FirehoseRoute;
import memberstream.engine.firehose.FirehoseService;
import memberstream.engine.firehose.KinesisRouteSourceReader;
import memberstream.engine.firehose.KinesisSourceReader;
import memberstream.engine.kinesis.KinesisService;
import memberstream.engine.protocol.EngineRoute;
import memberstream.engine.protocol.FrontDoor;
import memberstream.engine.s3.S3ObjectStore;
import memberstream.engine.s3.S3Route;
import memberstream.engine.storage.FsyncPolicy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The engine's Firehose and S3 (and Kinesis, if asked) on a random port, with a {@link MutableClock} and no delivery thread:
 * tests call {@link FirehoseService#flushDue()} themselves. {@link #restart()} closes everything and
 * opens it again on the same directory, as a restarted process would.
 */
public final class TestEngine implements AutoCloseable {

    public static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    public final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07.890Z"));
    public final Path directory;
    private final boolean withKinesis;
    private final boolean signed;
    public KinesisService kinesis;
    public S3ObjectStore s3Store;
    public FirehoseService firehose;
    public EngineServer server;

    public TestEngine(String name) {
        this(name, false);
    }

    /** With {@code withKinesis}, the engine's Kinesis runs too (no throughput limits, no status delay). */
    public TestEngine(String name, boolean withKinesis) {
        this(name, withKinesis, true);
    }

    /**
     * With {@code signed} false the front door checks Host and Origin only: for tests that send raw,
     * unsigned requests to reach the services behind the signature check.
     */
    public TestEngine(String name, boolean withKinesis, boolean signed) {
        this.signed = signed;
        this.directory = Path.of("target/test-data", name).toAbsolutePath();
        this.withKinesis = withKinesis;
        deleteRecursively(directory);
        open();
    }

    private void open() {
        s3Store = new S3ObjectStore(directory.resolve("s3"), clock);
        List<EngineRoute> routes = new ArrayList<>();
        KinesisSourceReader reader = null;
        if (withKinesis) {
            kinesis = new KinesisService(directory.resolve("kinesis"), EngineProperties.defaults()
                    .withThroughputLimits(false).withStatusDelay(Duration.ZERO), clock, 16L * 1024 * 1024);
            routes.add(kinesis);
            reader = new KinesisRouteSourceReader(kinesis);
        }
        firehose = new FirehoseService(directory.resolve("firehose"), s3Store, clock, FsyncPolicy.EVERY_BATCH,
                RETRY_INTERVAL, reader);
        routes.add(new FirehoseRoute(firehose));
        routes.add(new S3Route(s3Store));
        FrontDoor door = signed ? FrontDoor.standard("127.0.0.1", java.time.Clock.systemUTC())
                : FrontDoor.unsigned("127.0.0.1", java.time.Clock.systemUTC());
        server = new EngineServer(routes, "127.0.0.1", 0, 4, door).start();
    }

    /** Moves the clock to {@code instant} (backwards too). */
    public void setTime(Instant instant) {
        clock.advance(Duration.between(clock.instant(), instant));
    }

    public void restart() {
        close();
        open();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public FirehoseClient firehoseClient() {
        return FirehoseClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build();
    }

    public S3Client s3Client() {
        return S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }

    @Override
    public void close() {
        server.close();
        firehose.close();
        if (kinesis != null) {
            kinesis.close();
        }
    }

    public KinesisClient kinesisClient() {
        return KinesisClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build();
    }

    public static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
