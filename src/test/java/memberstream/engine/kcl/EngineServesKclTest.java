package memberstream.engine.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import memberstream.engine.EngineApplication;
import memberstream.engine.EngineServer;
import memberstream.engine.cloudwatch.MetricStore;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The engine as Spring wires it (profile {@code engine}) serves DynamoDB and CloudWatch beside the other
 * services: CloudWatch's target-less requests reach its route, not S3's, and S3 still gets its own.
 */
class EngineServesKclTest {

    @Test
    void dynamoDbAndCloudWatchAreRoutedBesideS3() {
        String[] args = {"--spring.profiles.active=engine", "--memberstream.engine.port=0",
                "--memberstream.data-dir=target/test-data/engine-serves-kcl"};
        try (ConfigurableApplicationContext context = EngineApplication.run(args)) {
            URI endpoint = URI.create("http://127.0.0.1:" + context.getBean(EngineServer.class).port());
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
            try (CloudWatchClient cloudWatch = CloudWatchClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                         .credentialsProvider(credentials).httpClient(ApacheHttpClient.create()).build();
                 DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                         .credentialsProvider(credentials).httpClient(ApacheHttpClient.create()).build();
                 S3Client s3 = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                         .credentialsProvider(credentials).httpClient(ApacheHttpClient.create()).build()) {
                cloudWatch.putMetricData(b -> b.namespace("wired").metricData(d -> d.metricName("Up").value(1.0)));
                assertThat(context.getBean(MetricStore.class).namespaces()).contains("wired");
                assertThat(dynamo.listTables().tableNames()).isNotNull();
                assertThat(s3.listBuckets().buckets()).isNotNull();
            }
        }
    }
}
