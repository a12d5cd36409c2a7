package memberstream.live.explorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import memberstream.aws.AwsClients;
import memberstream.aws.AwsMode;
import memberstream.aws.SignedJsonCall;
import memberstream.live.Attempted;
import org.springframework.security.access.prepost.PreAuthorize;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Who reads a stream: its enhanced fan-out consumers (ListStreamConsumers, register, deregister), their
 * open subscriptions (the embedded engine's {@code ListShardSubscriptions}; AWS has no such call), a KCL
 * application's lease table in DynamoDB (lease, owner, checkpoint, and lag as MillisBehindLatest of a
 * GetRecords from just after the checkpoint), and the metrics that application reported to CloudWatch
 * (ListMetrics, then GetMetricData for the latest minute of each, in the statistic that suits it:
 * {@link #statisticFor}). Every call goes through the console's
 * SDK clients and {@link Attempted#call}; reads are bounded ({@link #MAX_TABLES}, {@link #MAX_LEASES},
 * {@link #MAX_METRICS}). Registering and deregistering are for admins (method security). Stateless and
 * thread-safe.
 */
public class ConsumerExplorer {

    static final int MAX_TABLES = 100;
    static final int MAX_LEASES = 500;
    /** Leases whose lag is measured (two Kinesis calls each); the rest show none. */
    static final int MAX_LAG_READS = 64;
    static final int MAX_METRICS = 200;

    private final AwsClients clients;
    private final Attempted.Pause pause;
    private final ObjectMapper json = new ObjectMapper();

    public ConsumerExplorer(AwsClients clients) {
        this(clients, Attempted.Pause.THREAD_SLEEP);
    }

    ConsumerExplorer(AwsClients clients, Attempted.Pause pause) {
        this.clients = clients;
        this.pause = pause;
    }

    public record ConsumerRow(String name, String arn, String status, Instant created) {
    }

    /** One open subscription; {@code millisBehindLatest} is null before its first event. */
    public record SubscriptionRow(String consumer, String shardId, Instant since, String position, Long millisBehindLatest) {
    }

    /** The subscriptions, or why they cannot be known ({@code unavailable} is null when they can). */
    public record Subscriptions(List<SubscriptionRow> rows, String unavailable) {
    }

    /**
     * One lease of a KCL lease table. {@code millisBehind} is the MillisBehindLatest of a read from just
     * after the checkpoint (0: caught up); null when not measured (shard ended, lease of another stream,
     * or past {@link #MAX_LAG_READS}).
     */
    public record LeaseRow(String leaseKey, String owner, String checkpoint, Long counter, Long millisBehind) {
    }

    /** The latest value of one reported metric. */
    /** The latest one-minute value of a metric, in {@code statistic} (Sum, Average or Maximum). */
    public record MetricRow(String name, String dimensions, String statistic, Double latest, Instant at) {
    }

    public Attempted<List<ConsumerRow>> consumers(String streamArn) {
        return call(() -> {
            List<ConsumerRow> rows = new ArrayList<>();
            for (Consumer c : (Iterable<Consumer>) clients.kinesis().listStreamConsumersPaginator(r -> r.streamARN(streamArn))
                    .stream().flatMap(page -> page.consumers().stream())::iterator) {
                rows.add(new ConsumerRow(c.consumerName(), c.consumerARN(), c.consumerStatusAsString(), c.consumerCreationTimestamp()));
                if (rows.size() >= 100) {
                    break;
                }
            }
            return rows;
        });
    }

    @PreAuthorize("hasRole('ADMIN')")
    public Attempted<ConsumerRow> register(String streamArn, String name) {
        return call(() -> {
            Consumer c = clients.kinesis().registerStreamConsumer(r -> r.streamARN(streamArn).consumerName(name)).consumer();
            return new ConsumerRow(c.consumerName(), c.consumerARN(), c.consumerStatusAsString(), c.consumerCreationTimestamp());
        });
    }

    @PreAuthorize("hasRole('ADMIN')")
    public Attempted<Void> deregister(String consumerArn) {
        return call(() -> {
            clients.kinesis().deregisterStreamConsumer(r -> r.consumerARN(consumerArn));
            return null;
        });
    }

    public Attempted<Subscriptions> subscriptions(String streamArn) {
        if (clients.mode() == AwsMode.AWS) {
            return new Attempted<>(new Subscriptions(List.of(), "Not available from AWS: it has no call that lists "
                    + "SubscribeToShard subscriptions."), List.of());
        }
        return call(() -> {
            SignedJsonCall.Answer answer = clients.kinesisExtension("ListShardSubscriptions",
                    json.createObjectNode().put("StreamARN", streamArn).toString());
            JsonNode body = parse(answer.body());
            if (!answer.ok()) {
                String type = body.path("__type").asText("HTTP " + answer.status());
                if (type.contains("UnknownOperation")) {
                    return new Subscriptions(List.of(), "Not available at this endpoint: only the embedded engine lists subscriptions.");
                }
                throw new IllegalStateException(type + ": " + body.path("message").asText(""));
            }
            List<SubscriptionRow> rows = new ArrayList<>();
            for (JsonNode row : body.path("Subscriptions")) {
                rows.add(new SubscriptionRow(row.path("ConsumerName").asText(), row.path("ShardId").asText(),
                        Instant.ofEpochMilli((long) (row.path("StartedAt").asDouble() * 1000)),
                        row.path("ContinuationSequenceNumber").asText(null),
                        row.has("MillisBehindLatest") ? row.get("MillisBehindLatest").asLong() : null));
            }
            return new Subscriptions(rows, null);
        });
    }

    /** The DynamoDB tables whose key is a single hash key named {@code leaseKey}, as KCL creates them. */
    public Attempted<List<String>> leaseTables() {
        return call(() -> {
            List<String> found = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (String name : clients.dynamoDb().listTablesPaginator(r -> r.limit(MAX_TABLES)).tableNames()) {
                names.add(name);
                if (names.size() >= MAX_TABLES) {
                    break;
                }
            }
            for (String name : names) {
                List<KeySchemaElement> key = clients.dynamoDb().describeTable(r -> r.tableName(name)).table().keySchema();
                if (key.size() == 1 && key.get(0).keyType() == KeyType.HASH && "leaseKey".equals(key.get(0).attributeName())) {
                    found.add(name);
                }
            }
            return found;
        });
    }

    /** The leases of {@code table}, sorted by key, with the lag of those that belong to {@code stream}. */
    public Attempted<List<LeaseRow>> leases(String table, String stream) {
        return call(() -> {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse page = clients.dynamoDb().scan(r -> r.tableName(table).consistentRead(true)
                        .limit(100).exclusiveStartKey(from));
                items.addAll(page.items());
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null && items.size() < MAX_LEASES);
            List<LeaseRow> rows = new ArrayList<>();
            int lagReads = 0;
            items.sort(Comparator.comparing(item -> text(item, "leaseKey")));
            for (Map<String, AttributeValue> item : items.subList(0, Math.min(items.size(), MAX_LEASES))) {
                String key = text(item, "leaseKey");
                String checkpoint = text(item, "checkpoint");
                AttributeValue counter = item.get("leaseCounter");
                Long lag = null;
                String shardId = shardOf(key, stream);
                if (shardId != null && lagReads < MAX_LAG_READS && !checkpoint.isEmpty() && !"SHARD_END".equals(checkpoint)) {
                    lagReads++;
                    lag = millisBehind(stream, shardId, checkpoint);
                }
                rows.add(new LeaseRow(key, text(item, "leaseOwner"), checkpoint,
                        counter == null || counter.n() == null ? null : Long.parseLong(counter.n()), lag));
            }
            return rows;
        });
    }

    /** The latest value of each metric in {@code namespace} (a KCL application reports under its name). */
    public Attempted<List<MetricRow>> metrics(String namespace, Instant now) {
        return call(() -> {
            List<Metric> metrics = new ArrayList<>();
            for (Metric metric : clients.cloudWatch().listMetricsPaginator(r -> r.namespace(namespace)).metrics()) {
                metrics.add(metric);
                if (metrics.size() >= MAX_METRICS) {
                    break;
                }
            }
            List<MetricRow> rows = new ArrayList<>();
            for (int from = 0; from < metrics.size(); from += 100) {
                List<Metric> batch = metrics.subList(from, Math.min(metrics.size(), from + 100));
                List<software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery> queries = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    Metric metric = batch.get(i);
                    int index = i;
                    queries.add(software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery.builder().id("m" + index)
                            .metricStat(s -> s.metric(metric).period(60).stat(statisticFor(metric.metricName()))).build());
                }
                GetMetricDataResponse data = clients.cloudWatch().getMetricData(r -> r.startTime(now.minusSeconds(3600))
                        .endTime(now.plusSeconds(60)).metricDataQueries(queries));
                for (MetricDataResult result : data.metricDataResults()) {
                    Metric metric = batch.get(Integer.parseInt(result.id().substring(1)));
                    boolean any = !result.values().isEmpty();
                    rows.add(new MetricRow(metric.metricName(), dimensions(metric.dimensions()),
                            statisticFor(metric.metricName()), any ? result.values().get(0) : null,
                            any ? result.timestamps().get(0) : null));
                }
            }
            rows.sort(Comparator.comparing(MetricRow::name).thenComparing(MetricRow::dimensions));
            return rows;
        });
    }

    /**
     * How a minute of {@code metricName} reads best: a lag (KCL's {@code MillisBehindLatest}) as its
     * Maximum, a duration ({@code ...Time}) as its Average, counts (records, bytes, successes) as their Sum.
     */
    static String statisticFor(String metricName) {
        if (metricName.endsWith("MillisBehindLatest")) {
            return "Maximum";
        }
        return metricName.endsWith("Time") ? "Average" : "Sum";
    }

    /** The shard a lease key names for {@code stream}: {@code shardId-...} alone, or multi-stream {@code account:stream:epoch:shardId-...}. */
    static String shardOf(String leaseKey, String stream) {
        if (leaseKey.startsWith("shardId-")) {
            return leaseKey;
        }
        String[] parts = leaseKey.split(":");
        return parts.length == 4 && parts[1].equals(stream) && parts[3].startsWith("shardId-") ? parts[3] : null;
    }

    private Long millisBehind(String stream, String shardId, String checkpoint) {
        var kinesis = clients.kinesis();
        String iterator = kinesis.getShardIterator(r -> {
            r.streamName(stream).shardId(shardId);
            switch (checkpoint) {
                case "TRIM_HORIZON" -> r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                case "LATEST" -> r.shardIteratorType(ShardIteratorType.LATEST);
                default -> r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(checkpoint);
            }
        }).shardIterator();
        GetRecordsResponse page = kinesis.getRecords(r -> r.shardIterator(iterator).limit(1));
        return page.records().isEmpty() ? 0L : page.millisBehindLatest();
    }

    private static String dimensions(List<Dimension> dimensions) {
        return String.join(", ", dimensions.stream().map(d -> d.name() + "=" + d.value()).toList());
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? "" : value.s();
    }

    private JsonNode parse(String body) {
        try {
            return body.isBlank() ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private <T> Attempted<T> call(Supplier<T> call) {
        return Attempted.call(pause, call);
    }
}
