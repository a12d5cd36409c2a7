package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import memberstream.MemberstreamApplication;
import memberstream.TestUsers;
import memberstream.engine.EngineApplication;
import memberstream.engine.EngineServer;
import memberstream.member.Member;
import memberstream.member.MemberService;
import memberstream.settings.SettingsService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code memberstream.aws.mode=endpoint}, as with LocalStack: the console starts no engine of its own,
 * creates the stream, delivery stream and bucket on the endpoint it is given when they are missing,
 * and forwards there. The endpoint here is the engine run alone (profile {@code engine}) in this JVM,
 * reached only over HTTP.
 */
class EndpointModeTest {

    private static ConfigurableApplicationContext engine;
    private static ConfigurableApplicationContext console;
    private static URI endpoint;

    @BeforeAll
    static void startTheEngineAloneThenAConsolePointingAtIt() {
        long run = System.nanoTime();
        engine = EngineApplication.run(new String[] {"--spring.profiles.active=engine",
                "--memberstream.engine.port=0",
                "--memberstream.data-dir=target/test-data/endpoint-mode-engine-" + run});
        endpoint = URI.create("http://127.0.0.1:" + engine.getBean(EngineServer.class).port());
        console = new SpringApplicationBuilder(MemberstreamApplication.class).run(
                "--server.port=0",
                "--memberstream.data-dir=target/test-data/endpoint-mode-console-" + run,
                "--memberstream.aws.mode=endpoint",
                "--memberstream.aws.endpoint=" + endpoint,
                "--memberstream.aws.bucket=endpoint-mode-events",
                "--memberstream.admin.username=admin",
                "--memberstream.admin.password=endpoint-mode-password");
    }

    @AfterAll
    static void stop() {
        if (console != null) {
            console.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theConsoleCreatesItsResourcesOnTheEndpointAndForwardsThere() throws Exception {
        assertThat(console.getBeansOfType(EngineServer.class)).as("no embedded engine in endpoint mode").isEmpty();
        String stream = console.getBean(SettingsService.class).current().kinesisStreamName();
        String deliveryStream = console.getBean(SettingsService.class).current().firehoseDeliveryStreamName();

        try (KinesisClient kinesis = KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
             S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                     .build();
             var firehose = software.amazon.awssdk.services.firehose.FirehoseClient.builder()
                     .endpointOverride(endpoint).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                     .build()) {
            AtomicReference<Member> created = new AtomicReference<>();
            TestUsers.runAsAdmin(() -> created.set(console.getBean(MemberService.class).create(new Member(
                    "End Point", "endpoint-mode@example.org", memberstream.member.MemberRole.MEMBER,
                    memberstream.member.MemberStatus.ACTIVE, java.time.LocalDate.of(2024, 1, 15)))));

            // The event is sent once the stream exists (the console creates it in the background).
            KinesisStreamReader reader = new KinesisStreamReader(kinesis, new ObjectMapper());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                try {
                    seen = kinesis.listStreams().streamNames().contains(stream)
                            && reader.readAll(stream).stream().anyMatch(r -> r.partitionKey()
                            .equals(created.get().getId().toString())
                            && r.type().equals("io.memberstream.member.created"));
                } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException stillCreating) {
                    seen = false;
                }
                if (!seen) {
                    Thread.sleep(100);
                }
            }
            assertThat(seen).as("the created event in stream %s on the endpoint", stream).isTrue();
            assertThat(firehose.listDeliveryStreams().deliveryStreamNames()).contains(deliveryStream);
            assertThat(s3.listBuckets().buckets()).anyMatch(b -> b.name().equals("endpoint-mode-events"));
        }
    }
}
