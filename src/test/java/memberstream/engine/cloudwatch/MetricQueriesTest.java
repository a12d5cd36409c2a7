package memberstream.engine.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import memberstream.engine.EngineServer;
import memberstream.engine.protocol.FrontDoor;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/** ListMetrics and GetMetricData through the SDK's CloudWatchClient (RPC v2 CBOR), and raw over JSON 1.0 and query. */
class MetricQueriesTest {

    private static final Instant AT = Instant.parse("2026-12-02T01:00:00Z");

    @Test
    void theSdkListsMetricsAndReadsTheirStatisticsPerPeriod() {
        MetricStore store = new MetricStore();
        try (EngineServer server = new EngineServer(List.of(new CloudWatchRoute(store, Clock.systemUTC())), "127.0.0.1", 0).start();
             CloudWatchClient client = client(server.port())) {
            client.putMetricData(b -> b.namespace("my-app").metricData(
                    d -> d.metricName("RecordsProcessed").value(10.0).unit(StandardUnit.COUNT).timestamp(AT)
                            .dimensions(x -> x.name("ShardId").value("shardId-000000000000")),
                    d -> d.metricName("RecordsProcessed").value(30.0).unit(StandardUnit.COUNT).timestamp(AT.plusSeconds(20))
                            .dimensions(x -> x.name("ShardId").value("shardId-000000000000")),
                    d -> d.metricName("RecordsProcessed").value(5.0).unit(StandardUnit.COUNT).timestamp(AT.plusSeconds(70))
                            .dimensions(x -> x.name("ShardId").value("shardId-000000000000")),
                    d -> d.metricName("RecordsProcessed").value(99.0).unit(StandardUnit.COUNT).timestamp(AT)
                            .dimensions(x -> x.name("ShardId").value("shardId-000000000001")),
                    d -> d.metricName("Time").statisticValues(s -> s.sampleCount(4.0).sum(20.0).minimum(1.0).maximum(9.0))
                            .unit(StandardUnit.MILLISECONDS).timestamp(AT)));
            client.putMetricData(b -> b.namespace("other-app").metricData(d -> d.metricName("X").value(1.0)));

            List<Metric> all = client.listMetricsPaginator(b -> b.namespace("my-app")).metrics().stream().toList();
            assertThat(all).extracting(Metric::metricName).containsExactlyInAnyOrder("RecordsProcessed", "RecordsProcessed", "Time");
            List<Metric> shard1 = client.listMetrics(b -> b.namespace("my-app").metricName("RecordsProcessed")
                    .dimensions(f -> f.name("ShardId").value("shardId-000000000001"))).metrics();
            assertThat(shard1).singleElement().satisfies(m -> assertThat(m.dimensions())
                    .containsExactly(Dimension.builder().name("ShardId").value("shardId-000000000001").build()));
            assertThat(client.listMetrics(b -> b.metricName("X")).metrics()).extracting(Metric::namespace).containsExactly("other-app");

            GetMetricDataResponse data = client.getMetricData(b -> b.startTime(AT.minusSeconds(60)).endTime(AT.plusSeconds(600))
                    .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                    .metricDataQueries(
                            q -> q.id("sum0").metricStat(s -> s.period(60).stat("Sum").metric(m -> m.namespace("my-app")
                                    .metricName("RecordsProcessed").dimensions(x -> x.name("ShardId").value("shardId-000000000000")))),
                            q -> q.id("avg0").label("average").metricStat(s -> s.period(60).stat("Average").metric(m -> m.namespace("my-app")
                                    .metricName("RecordsProcessed").dimensions(x -> x.name("ShardId").value("shardId-000000000000")))),
                            q -> q.id("time").metricStat(s -> s.period(300).stat("Maximum")
                                    .metric(m -> m.namespace("my-app").metricName("Time")))));
            MetricDataResult sum = data.metricDataResults().get(0);
            assertThat(sum.id()).isEqualTo("sum0");
            assertThat(sum.timestamps()).containsExactly(AT, AT.plusSeconds(60));
            assertThat(sum.values()).containsExactly(40.0, 5.0);
            MetricDataResult average = data.metricDataResults().get(1);
            assertThat(average.label()).isEqualTo("average");
            assertThat(average.values()).containsExactly(20.0, 5.0);
            assertThat(data.metricDataResults().get(2).values()).containsExactly(9.0);

            GetMetricDataResponse newestFirst = client.getMetricData(b -> b.startTime(AT.minusSeconds(60)).endTime(AT.plusSeconds(600))
                    .metricDataQueries(q -> q.id("n").metricStat(s -> s.period(60).stat("SampleCount").metric(m -> m.namespace("my-app")
                            .metricName("RecordsProcessed").dimensions(x -> x.name("ShardId").value("shardId-000000000000"))))));
            assertThat(newestFirst.metricDataResults().get(0).values()).containsExactly(1.0, 2.0);

            assertThatThrownBy(() -> client.getMetricData(b -> b.startTime(AT).endTime(AT.plusSeconds(60))
                    .metricDataQueries(q -> q.id("e").expression("SUM(METRICS())"))))
                    .isInstanceOf(CloudWatchException.class).hasMessageContaining("Metric math")
                    .satisfies(e -> assertThat(((CloudWatchException) e).statusCode()).isEqualTo(400));
            assertThatThrownBy(() -> client.getMetricData(b -> b.startTime(AT).endTime(AT.plusSeconds(60))
                    .metricDataQueries(q -> q.id("p").metricStat(s -> s.period(60).stat("p99")
                            .metric(m -> m.namespace("my-app").metricName("Time"))))))
                    .isInstanceOf(CloudWatchException.class).hasMessageContaining("Stat p99");
        }
    }

    @Test
    void jsonAndTheQueryProtocolReadMetricsToo() throws Exception {
        MetricStore store = new MetricStore();
        store.add(new MetricStore.Metric("app", "Lag", new java.util.TreeMap<>(java.util.Map.of("Shard", "s<1>"))),
                new MetricStore.Datapoint(AT, 7, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "Count"));
        try (EngineServer server = new EngineServer(List.of(new CloudWatchRoute(store, Clock.systemUTC())), "127.0.0.1", 0, 2,
                FrontDoor.unsigned("127.0.0.1", Clock.systemUTC())).start()) {
            HttpClient http = HttpClient.newHttpClient();
            URI endpoint = URI.create("http://127.0.0.1:" + server.port() + "/");
            HttpResponse<String> query = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("Action=ListMetrics&Version=2010-08-01&Namespace=app")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(query.statusCode()).isEqualTo(200);
            assertThat(query.body()).contains("<ListMetricsResult><Metrics><member><Namespace>app</Namespace><MetricName>Lag"
                    + "</MetricName><Dimensions><member><Name>Shard</Name><Value>s&lt;1&gt;</Value></member></Dimensions>");

            HttpResponse<String> queryData = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("Action=GetMetricData&Version=2010-08-01"
                            + "&StartTime=2026-12-02T00:00:00Z&EndTime=2026-12-02T02:00:00Z"
                            + "&MetricDataQueries.member.1.Id=m&MetricDataQueries.member.1.MetricStat.Period=60"
                            + "&MetricDataQueries.member.1.MetricStat.Stat=Sum"
                            + "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=app"
                            + "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=Lag"
                            + "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=Shard"
                            + "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=s%3C1%3E")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(queryData.statusCode()).isEqualTo(200);
            assertThat(queryData.body()).contains("<Timestamps><member>2026-12-02T01:00:00Z</member></Timestamps>")
                    .contains("<Values><member>7.0</member></Values>");

            HttpResponse<String> json = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "GraniteServiceVersion20100801.GetMetricData")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"StartTime\":" + AT.minusSeconds(60).getEpochSecond()
                            + ",\"EndTime\":" + AT.plusSeconds(60).getEpochSecond() + ",\"MetricDataQueries\":[{\"Id\":\"m\","
                            + "\"MetricStat\":{\"Period\":60,\"Stat\":\"Maximum\",\"Metric\":{\"Namespace\":\"app\","
                            + "\"MetricName\":\"Lag\",\"Dimensions\":[{\"Name\":\"Shard\",\"Value\":\"s<1>\"}]}}}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.body()).contains("\"Timestamps\":[" + AT.getEpochSecond() + "]").contains("\"Values\":[7.0]");

            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "GraniteServiceVersion20100801.GetMetricData")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"StartTime\":10,\"EndTime\":5,\"MetricDataQueries\":[]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("StartTime must be before EndTime");
        }
    }

    private static CloudWatchClient client(int port) {
        return CloudWatchClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.create()).overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }
}
