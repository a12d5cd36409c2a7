package memberstream.engine.firehose;

import static memberstream.engine.firehose.FirehoseTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import memberstream.engine.EngineApplication;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Nothing acknowledged is lost: an engine process (profile {@code engine}, a child JVM) takes a
 * PutRecordBatch into a stream with a long buffer interval, is killed with SIGKILL before it delivers,
 * and the engine restarted on the same directory delivers every record.
 */
class FirehoseCrashRecoveryTest {

    private static final Pattern LISTENING = Pattern.compile("Engine listening on http://127\\.0\\.0\\.1:(\\d+)");
    private final Path dataDir = Path.of("target/test-data/firehose-crash").toAbsolutePath();
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void recordsBufferedWhenTheProcessIsKilledAreDeliveredAfterRestart() throws Exception {
        TestEngine.deleteRecursively(dataDir);
        List<Record> batch = records(500, 1024, "crash");

        Engine first = start(1);
        try (FirehoseClient firehose = firehoseClient(first.endpoint); S3Client s3 = s3Client(first.endpoint)) {
            s3.createBucket(b -> b.bucket("crash-landing"));
            FirehoseTestSupport.createStream(firehose, "crash-stream", "crash-landing",
                    d -> d.bufferingHints(h -> h.sizeInMBs(128).intervalInSeconds(900)));
            var answer = firehose.putRecordBatch(b -> b.deliveryStreamName("crash-stream").records(batch));
            assertThat(answer.failedPutCount()).isZero();
            assertThat(FirehoseTestSupport.keys(s3, "crash-landing", "")).isEmpty();
        }
        first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.process.exitValue()).isEqualTo(137);

        Engine second = start(2);
        try (FirehoseClient firehose = firehoseClient(second.endpoint); S3Client s3 = s3Client(second.endpoint)) {
            assertThat(FirehoseTestSupport.keys(s3, "crash-landing", "")).isEmpty();
            // The stream survived with its buffer; a zero interval makes what it holds due now.
            firehose.updateDestination(b -> b.deliveryStreamName("crash-stream").currentDeliveryStreamVersionId("1")
                    .destinationId("destinationId-000000000001")
                    .extendedS3DestinationUpdate(u -> u.bufferingHints(h -> h.intervalInSeconds(0))));
            List<String> keys = waitForObjects(s3);
            StringBuilder delivered = new StringBuilder();
            keys.forEach(key -> delivered.append(FirehoseTestSupport.text(FirehoseTestSupport.object(s3, "crash-landing", key))));
            StringBuilder expected = new StringBuilder();
            batch.forEach(record -> expected.append(record.data().asUtf8String()));
            assertThat(delivered.length()).isEqualTo(expected.length());
            assertThat(delivered.toString().equals(expected.toString())).as("every record, once, in order").isTrue();
        }
    }

    private static List<String> waitForObjects(S3Client s3) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            List<String> keys = FirehoseTestSupport.keys(s3, "crash-landing", "");
            if (!keys.isEmpty()) {
                return keys;
            }
            Thread.sleep(100); // the child's delivery thread works on its own time
        }
        throw new AssertionError("nothing delivered within 30 s after the restart");
    }

    private record Engine(Process process, URI endpoint) {
    }

    private Engine start(int generation) throws IOException, InterruptedException {
        Path log = dataDir.resolveSibling("firehose-crash-child-" + generation + ".log");
        Files.createDirectories(log.getParent()); // run alone, nothing else has made target/test-data yet
        Files.deleteIfExists(log);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                EngineApplication.class.getName(), "--spring.profiles.active=engine", "--memberstream.engine.port=0",
                "--memberstream.data-dir=" + dataDir, "--memberstream.engine.firehose.check-interval=100ms")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(process);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            Matcher matcher = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (matcher.find()) {
                return new Engine(process, URI.create("http://127.0.0.1:" + matcher.group(1)));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the engine child did not start; see " + log);
    }

    private static FirehoseClient firehoseClient(URI endpoint) {
        return FirehoseClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    private static S3Client s3Client(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }
}
