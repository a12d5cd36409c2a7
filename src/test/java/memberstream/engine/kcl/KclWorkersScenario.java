package memberstream.engine.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import memberstream.engine.EngineProperties;
import memberstream.engine.EngineServer;
import memberstream.engine.cloudwatch.CloudWatchRoute;
import memberstream.engine.cloudwatch.MetricStore;
import memberstream.engine.dynamodb.DynamoDbService;
import memberstream.engine.kinesis.KinesisService;
import memberstream.engine.storage.FsyncPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.RetrievalSpecificConfig;

/**
 * The scenario every KCL test runs, with the real Kinesis Client Library 3 against the engine: Kinesis,
 * its lease tables in engine.dynamodb, its metrics in engine.cloudwatch, all over HTTP with SigV4. Two
 * workers share a 4-shard stream; every record is processed at least once and in order per shard;
 * leases spread over both; one worker is stopped and the other resumes after its last checkpoints; the
 * stream is split and merged and the children are read after their parents. Subclasses choose how KCL
 * retrieves records (polling or enhanced fan-out).
 */
abstract class KclWorkersScenario {

    protected static final String STREAM = "members";
    protected static final String APP = "member-consumer";
    private static final BigInteger QUARTER = BigInteger.ONE.shiftLeft(126);

    /** What the record processors saw, in the order they saw it (one counter for all workers). */
    record Seen(long order, String worker, String shard, String sequence, String data) {
    }

    record Ended(long order, String shard) {
    }

    @TempDir
    Path directory;

    private final AtomicLong clock = new AtomicLong();
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Ended> ended = new ConcurrentLinkedQueue<>();
    private final Map<String, Map<String, String>> checkpoints = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    private URI endpoint;

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** The Kinesis client a worker uses for everything (retrieval, shard listing). */
    protected abstract KinesisAsyncClient kinesisClient(URI endpoint, StaticCredentialsProvider credentials);

    /** How a worker retrieves records. */
    protected abstract RetrievalSpecificConfig retrieval(String stream, String application, KinesisAsyncClient kinesis);

    /** Checks after the scenario ran, with a sync client of the engine (e.g. that fan-out was used). */
    protected void afterScenario(KinesisClient kinesis) {
    }

    @Test
    void twoWorkersShareFailOverAndFollowResharding() throws Exception {
        KinesisService kinesisService = new KinesisService(directory.resolve("kinesis"), EngineProperties.defaults()
                .withThroughputLimits(false).withStatusDelay(Duration.ZERO).withFsync(FsyncPolicy.OS), Clock.systemUTC(), 16L << 20);
        DynamoDbService dynamoService = new DynamoDbService(directory.resolve("dynamodb"), FsyncPolicy.OS, Clock.systemUTC(), Duration.ZERO);
        MetricStore metrics = new MetricStore();
        EngineServer server = new EngineServer(List.of(new CloudWatchRoute(metrics, Clock.systemUTC()), kinesisService, dynamoService),
                "127.0.0.1", 0, 8).start();
        resources.add(kinesisService);
        resources.add(dynamoService);
        resources.add(server);
        endpoint = URI.create("http://127.0.0.1:" + server.port());

        KinesisClient kinesis = KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build();
        DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build();
        resources.add(kinesis);
        resources.add(dynamo);
        kinesis.createStream(b -> b.streamName(STREAM).shardCount(4));
        await("stream active", 30, () -> kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary()
                .streamStatus() == StreamStatus.ACTIVE);
        Set<String> expected = new HashSet<>(put(kinesis, "a", List.of(hashKey(0), hashKey(1), hashKey(2), hashKey(3)), 10));

        // The second worker starts once the first has set the application up: KCL 3 fails a worker that
        // loses the race to create the coordinator state and never retries it (on AWS as here).
        Scheduler a = worker("worker-a");
        await("worker a reading", 120, () -> !seen.isEmpty());
        Scheduler b = worker("worker-b");
        await("every first record processed", 120, () -> processed().containsAll(expected));
        // KCL 3 moves leases to balance throughput: records keep flowing meanwhile, as in an application.
        int[] round = {0};
        long[] nextPut = {0};
        await("leases spread over both workers", 120, () -> {
            if (System.nanoTime() > nextPut[0]) {
                expected.addAll(put(kinesis, "s" + round[0]++, List.of(hashKey(0), hashKey(1), hashKey(2), hashKey(3)), 1));
                nextPut[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            }
            return owners(dynamo).values().containsAll(List.of("worker-a", "worker-b"));
        });
        await("every record put while balancing processed", 120, () -> processed().containsAll(expected));
        assertInOrderPerShardAndWorker();

        // Stop worker a; b takes its leases after they expire and resumes after a's last checkpoints.
        Map<String, String> ownedByA = owners(dynamo).entrySet().stream().filter(e -> "worker-a".equals(e.getValue()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        a.startGracefulShutdown().get(60, TimeUnit.SECONDS); // returns once a has stopped processing
        long stoppedAt = clock.incrementAndGet();
        Map<String, String> lastCheckpointOfA = new HashMap<>(checkpoints.getOrDefault("worker-a", Map.of()));
        expected.addAll(put(kinesis, "b", List.of(hashKey(0), hashKey(1), hashKey(2), hashKey(3)), 5));
        await("records after the failover processed", 120, () -> processed().containsAll(expected));
        await("worker b owns every lease", 60, () -> owners(dynamo).values().stream().allMatch("worker-b"::equals));
        for (String shard : ownedByA.keySet()) {
            Seen firstOfB = seen.stream().filter(s -> s.order() > stoppedAt && s.worker().equals("worker-b") && s.shard().equals(shard))
                    .findFirst().orElseThrow();
            String checkpoint = lastCheckpointOfA.get(shard);
            assertThat(checkpoint).as("worker a checkpointed %s", shard).isNotNull();
            assertThat(new BigInteger(firstOfB.sequence())).as("worker b resumes %s after a's checkpoint", shard)
                    .isGreaterThan(new BigInteger(checkpoint));
        }

        // Split shard 0 and merge shards 2 and 3: the children are read after their parents ended.
        kinesis.splitShard(r -> r.streamName(STREAM).shardToSplit("shardId-000000000000")
                .newStartingHashKey(hashKey(0).add(QUARTER.shiftRight(1)).toString()));
        await("split done", 30, () -> kinesis.describeStreamSummary(r -> r.streamName(STREAM)).streamDescriptionSummary()
                .streamStatus() == StreamStatus.ACTIVE);
        kinesis.mergeShards(r -> r.streamName(STREAM).shardToMerge("shardId-000000000002").adjacentShardToMerge("shardId-000000000003"));
        await("merge done", 30, () -> kinesis.describeStreamSummary(r -> r.streamName(STREAM)).streamDescriptionSummary()
                .streamStatus() == StreamStatus.ACTIVE);
        expected.addAll(put(kinesis, "c", List.of(hashKey(0), hashKey(0).add(QUARTER.shiftRight(1)), hashKey(2)), 5));
        await("records of the children processed", 180, () -> processed().containsAll(expected));
        Map<String, List<String>> parents = Map.of("shardId-000000000004", List.of("shardId-000000000000"),
                "shardId-000000000005", List.of("shardId-000000000000"),
                "shardId-000000000006", List.of("shardId-000000000002", "shardId-000000000003"));
        parents.forEach((child, its) -> {
            long firstChildRecord = seen.stream().filter(s -> s.shard().equals(child)).mapToLong(Seen::order).min().orElseThrow();
            for (String parent : its) {
                long parentEnd = ended.stream().filter(e -> e.shard().equals(parent)).mapToLong(Ended::order).min()
                        .orElseThrow(() -> new AssertionError(parent + " never reached its end"));
                assertThat(parentEnd).as("%s ended before %s was read", parent, child).isLessThan(firstChildRecord);
            }
        });
        assertInOrderPerShardAndWorker();
        await("KCL reported metrics to CloudWatch", 60, () -> !metrics.metrics(APP).isEmpty());

        afterScenario(kinesis);
        b.startGracefulShutdown().get(60, TimeUnit.SECONDS);
    }

    private Scheduler worker(String workerId) {
        KinesisAsyncClient kinesis = kinesisClient(endpoint, credentials());
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).build();
        CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).build();
        resources.add(kinesis);
        resources.add(dynamo);
        resources.add(cloudWatch);
        ConfigsBuilder configs = new ConfigsBuilder(STREAM, APP, kinesis, dynamo, cloudWatch, workerId, () -> new Processor(workerId));
        var leases = configs.leaseManagementConfig().failoverTimeMillis(3000).shardSyncIntervalMillis(1000)
                .dynamoDbLockBasedLeaderLeaseDurationInMillis(3000).dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(500);
        leases.workerUtilizationAwareAssignmentConfig().workerMetricsReporterFreqInMillis(1000).disableWorkerMetrics(true);
        var retrieval = configs.retrievalConfig()
                .initialPositionInStreamExtended(InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON))
                .retrievalSpecificConfig(retrieval(STREAM, APP, kinesis));
        Scheduler scheduler = new Scheduler(configs.checkpointConfig(),
                configs.coordinatorConfig().parentShardPollIntervalMillis(500).shardConsumerDispatchPollIntervalMillis(200),
                leases, configs.lifecycleConfig(), configs.metricsConfig().metricsBufferTimeMillis(1000), configs.processorConfig(),
                retrieval);
        Thread thread = new Thread(scheduler, "kcl-" + workerId);
        thread.setDaemon(true);
        thread.start();
        resources.add(() -> {
            scheduler.shutdown();
            thread.join(30_000);
        });
        return scheduler;
    }

    /** A record processor that notes what it sees and checkpoints after every batch, as a careful application would. */
    private final class Processor implements ShardRecordProcessor {
        private final String worker;
        private String shard;

        Processor(String worker) {
            this.worker = worker;
        }

        @Override
        public void initialize(InitializationInput input) {
            shard = input.shardId();
        }

        @Override
        public void processRecords(ProcessRecordsInput input) {
            String last = null;
            for (KinesisClientRecord record : input.records()) {
                seen.add(new Seen(clock.incrementAndGet(), worker, shard, record.sequenceNumber(),
                        StandardCharsets.UTF_8.decode(record.data()).toString()));
                last = record.sequenceNumber();
            }
            if (last != null) {
                try {
                    input.checkpointer().checkpoint();
                    checkpoints.computeIfAbsent(worker, w -> new java.util.concurrent.ConcurrentHashMap<>()).put(shard, last);
                } catch (Exception e) {
                    // lease lost or shutting down: the next owner starts after the previous checkpoint
                }
            }
        }

        @Override
        public void leaseLost(LeaseLostInput input) {
        }

        @Override
        public void shardEnded(ShardEndedInput input) {
            ended.add(new Ended(clock.incrementAndGet(), shard));
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                // nothing to checkpoint
            }
        }
    }

    private Set<String> processed() {
        return seen.stream().map(Seen::data).collect(Collectors.toSet());
    }

    /** Each worker read each shard in sequence-number order (a new owner may re-read from the checkpoint). */
    private void assertInOrderPerShardAndWorker() {
        Map<String, BigInteger> last = new HashMap<>();
        for (Seen s : seen) {
            String key = s.worker() + "/" + s.shard();
            BigInteger sequence = new BigInteger(s.sequence());
            BigInteger previous = last.put(key, sequence);
            if (previous != null) {
                assertThat(sequence).as("order on %s", key).isGreaterThan(previous);
            }
        }
    }

    /** Lease key -> owner for the stream's shards, from the lease table KCL keeps in the engine. */
    private static Map<String, String> owners(DynamoDbClient dynamo) {
        Map<String, String> owners = new HashMap<>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(b -> b.tableName(APP).consistentRead(true)).items()) {
            AttributeValue owner = item.get("leaseOwner");
            AttributeValue checkpoint = item.get("checkpoint");
            if (owner != null && (checkpoint == null || !"SHARD_END".equals(checkpoint.s()))) {
                owners.put(item.get("leaseKey").s(), owner.s());
            }
        }
        return owners;
    }

    private static BigInteger hashKey(int shard) {
        return QUARTER.multiply(BigInteger.valueOf(shard)).add(BigInteger.ONE);
    }

    private static List<String> put(KinesisClient kinesis, String prefix, List<BigInteger> hashKeys, int perShard) {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < perShard; i++) {
            for (int k = 0; k < hashKeys.size(); k++) {
                String data = prefix + "-" + k + "-" + i;
                BigInteger hash = hashKeys.get(k);
                kinesis.putRecord(r -> r.streamName(STREAM).partitionKey("p").explicitHashKey(hash.toString())
                        .data(SdkBytes.fromUtf8String(data)));
                sent.add(data);
            }
        }
        return sent;
    }

    private static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }
}
