package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * kill -9 of an engine in a child JVM while writes are in flight: after a restart on the same
 * directory every acknowledged record is there, in order, byte for byte, under its sequence number,
 * and new sequence numbers keep increasing.
 */
class KinesisCrashTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"EVERY_BATCH", "OS"})
    void acknowledgedRecordsSurviveKillMinus9(String fsync) throws Exception {
        Map<String, byte[]> acknowledged = new LinkedHashMap<>();
        Map<String, String> shardOf = new LinkedHashMap<>();
        Process child = startChild(fsync);
        try (KinesisClient kinesis = client(port(child))) {
            kinesis.createStream(b -> b.streamName("crash").shardCount(2));
            awaitActive(kinesis);
            AtomicBoolean killed = new AtomicBoolean();
            Random random = new Random(42);
            Thread writer = new Thread(() -> {
                int batch = 0;
                while (!killed.get()) {
                    List<PutRecordsRequestEntry> entries = new ArrayList<>();
                    List<byte[]> datas = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        byte[] data = new byte[200 + random.nextInt(2000)];
                        random.nextBytes(data);
                        datas.add(data);
                        entries.add(PutRecordsRequestEntry.builder().partitionKey("b" + batch + "-" + i)
                                .data(SdkBytes.fromByteArray(data)).build());
                    }
                    batch++;
                    try {
                        PutRecordsResponse response = kinesis.putRecords(b -> b.streamName("crash").records(entries));
                        for (int i = 0; i < entries.size(); i++) {
                            var result = response.records().get(i);
                            if (result.errorCode() == null) {
                                synchronized (acknowledged) {
                                    acknowledged.put(result.sequenceNumber(), datas.get(i));
                                    shardOf.put(result.sequenceNumber(), result.shardId());
                                }
                            }
                        }
                    } catch (RuntimeException deadEngine) {
                        return;
                    }
                }
            });
            writer.start();
            Thread.sleep(1000);
            child.destroyForcibly(); // SIGKILL
            killed.set(true);
            child.waitFor(10, TimeUnit.SECONDS);
            writer.join(10_000);
        } finally {
            child.destroyForcibly();
        }
        assertThat(acknowledged).hasSizeGreaterThan(100);

        Process restarted = startChild(fsync);
        try (KinesisClient kinesis = client(port(restarted))) {
            String lastSequence = null;
            for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
                List<Record> records = readAll(kinesis, shard);
                Map<String, Record> bySequence = new LinkedHashMap<>();
                for (int i = 0; i < records.size(); i++) {
                    bySequence.put(records.get(i).sequenceNumber(), records.get(i));
                    if (i > 0) {
                        assertThat(new java.math.BigInteger(records.get(i).sequenceNumber()))
                                .isGreaterThan(new java.math.BigInteger(records.get(i - 1).sequenceNumber()));
                    }
                }
                List<String> expectedOrder = new ArrayList<>();
                for (Map.Entry<String, byte[]> entry : acknowledged.entrySet()) {
                    if (shardOf.get(entry.getKey()).equals(shard)) {
                        expectedOrder.add(entry.getKey());
                        Record record = bySequence.get(entry.getKey());
                        assertThat(record).as("acknowledged record %s", entry.getKey()).isNotNull();
                        assertThat(record.data().asByteArray()).isEqualTo(entry.getValue());
                    }
                }
                List<String> readOrder = records.stream().map(Record::sequenceNumber).filter(expectedOrder::contains).toList();
                assertThat(readOrder).isEqualTo(expectedOrder.stream().sorted((a, b) -> new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b))).toList());
                if (!records.isEmpty()) {
                    String last = records.get(records.size() - 1).sequenceNumber();
                    lastSequence = lastSequence == null || new java.math.BigInteger(last).compareTo(new java.math.BigInteger(lastSequence)) > 0 ? last : lastSequence;
                }
            }
            String next = kinesis.putRecord(b -> b.streamName("crash").partitionKey("after").data(SdkBytes.fromUtf8String("x"))).sequenceNumber();
            assertThat(new java.math.BigInteger(next)).isGreaterThan(new java.math.BigInteger(lastSequence));
        } finally {
            restarted.destroyForcibly();
            restarted.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<Record> readAll(KinesisClient kinesis, String shard) {
        List<Record> all = new ArrayList<>();
        String iterator = kinesis.getShardIterator(b -> b.streamName("crash").shardId(shard)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        while (true) {
            String current = iterator;
            GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current));
            all.addAll(response.records());
            if (response.records().isEmpty()) {
                return all;
            }
            iterator = response.nextShardIterator();
        }
    }

    private static void awaitActive(KinesisClient kinesis) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (kinesis.describeStreamSummary(b -> b.streamName("crash")).streamDescriptionSummary().streamStatusAsString().equals("ACTIVE")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("stream never became ACTIVE");
    }

    private Process startChild(String fsync) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                KinesisCrashChild.class.getName(), directory.toString(), fsync)
                .redirectErrorStream(true).start();
    }

    private static int port(Process child) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("PORT ")) {
                int port = Integer.parseInt(line.substring(5).trim());
                Thread drain = new Thread(() -> {
                    try {
                        while (reader.readLine() != null) {
                            // keep the child's output pipe from filling up
                        }
                    } catch (java.io.IOException ignored) {
                        // the child died
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return port;
            }
        }
        throw new AssertionError("the child engine did not start");
    }

    private static KinesisClient client(int port) {
        return KinesisClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }
}
