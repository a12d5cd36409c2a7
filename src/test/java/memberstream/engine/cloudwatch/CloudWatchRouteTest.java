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
import java.util.Map;
import java.util.TreeMap;
import memberstream.engine.EngineServer;
import memberstream.engine.protocol.FrontDoor;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/** PutMetricData over the SDK's own protocol (RPC v2 CBOR, signed), and raw over JSON 1.0 and the query protocol. */
class CloudWatchRouteTest {

    @Test
    void theSdkClientReportsMetricsThatTheStoreKeeps() {
        MetricStore store = new MetricStore();
        try (EngineServer server = new EngineServer(List.of(new CloudWatchRoute(store, Clock.systemUTC())), "127.0.0.1", 0).start();
             CloudWatchClient client = CloudWatchClient.builder()
                     .endpointOverride(URI.create("http://127.0.0.1:" + server.port())).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                     .httpClient(ApacheHttpClient.create()).overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                     .build()) {
            Instant at = Instant.parse("2026-12-02T01:00:00Z");
            client.putMetricData(b -> b.namespace("my-kcl-app").metricData(
                    d -> d.metricName("RecordsProcessed").value(42.0).unit(StandardUnit.COUNT).timestamp(at)
                            .dimensions(x -> x.name("ShardId").value("shardId-000000000001"), x -> x.name("Operation").value("ProcessTask")),
                    d -> d.metricName("Time").statisticValues(s -> s.sampleCount(2.0).sum(10.0).minimum(4.0).maximum(6.0))
                            .unit(StandardUnit.MILLISECONDS)));

            assertThat(store.namespaces()).containsExactly("my-kcl-app");
            assertThat(store.metrics("my-kcl-app")).extracting(MetricStore.Metric::name).containsExactly("RecordsProcessed", "Time");
            var metric = new MetricStore.Metric("my-kcl-app", "RecordsProcessed",
                    new TreeMap<>(Map.of("ShardId", "shardId-000000000001", "Operation", "ProcessTask")));
            assertThat(store.datapoints(metric)).singleElement().satisfies(p -> {
                assertThat(p.value()).isEqualTo(42.0);
                assertThat(p.timestamp()).isEqualTo(at);
                assertThat(p.unit()).isEqualTo("Count");
            });

            assertThatThrownBy(() -> client.putMetricData(b -> b.namespace("AWS/Kinesis").metricData(d -> d.metricName("x").value(1.0))))
                    .isInstanceOf(CloudWatchException.class).hasMessageContaining("for parameter Namespace is invalid")
                    .satisfies(e -> assertThat(((CloudWatchException) e).statusCode()).isEqualTo(400));
            assertThatThrownBy(() -> client.describeAlarms(b -> b.maxRecords(1)))
                    .isInstanceOf(CloudWatchException.class).hasMessageContaining("DescribeAlarms is not supported by this engine");
        }
    }

    @Test
    void theQueryProtocolAndJsonAreAcceptedToo() throws Exception {
        MetricStore store = new MetricStore();
        try (EngineServer server = new EngineServer(List.of(new CloudWatchRoute(store, Clock.systemUTC())), "127.0.0.1", 0, 2,
                FrontDoor.unsigned("127.0.0.1", Clock.systemUTC())).start()) {
            HttpClient http = HttpClient.newHttpClient();
            URI endpoint = URI.create("http://127.0.0.1:" + server.port() + "/");
            HttpResponse<String> query = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString("Action=PutMetricData&Version=2010-08-01&Namespace=legacy"
                            + "&MetricData.member.1.MetricName=Lag&MetricData.member.1.Value=7"
                            + "&MetricData.member.1.Dimensions.member.1.Name=Shard&MetricData.member.1.Dimensions.member.1.Value=s1"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(query.statusCode()).isEqualTo(200);
            assertThat(query.body()).contains("<PutMetricDataResponse");
            assertThat(store.datapoints(new MetricStore.Metric("legacy", "Lag", new TreeMap<>(Map.of("Shard", "s1")))))
                    .extracting(MetricStore.Datapoint::value).containsExactly(7.0);

            HttpResponse<String> json = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"Namespace\":\"json\",\"MetricData\":[{\"MetricName\":\"M\",\"Values\":[1,2]}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(store.datapoints(new MetricStore.Metric("json", "M", new TreeMap<>()))).hasSize(2);

            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("Action=PutMetricData&Namespace=x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(missing.body()).contains("<Code>MissingParameter</Code>").contains("MetricData is required");
        }
    }
}
