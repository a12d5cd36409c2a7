package memberstream.aws;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the console's AWS clients point ({@code memberstream.aws.*}, documented in the README).
 *
 * @param mode               embedded engine (default), any endpoint, or real AWS
 * @param endpoint           the URL for {@link AwsMode#ENDPOINT}, e.g. {@code http://localhost:4566}
 * @param region             the region; unset means the default region chain for real AWS and
 *                           {@code us-east-1} otherwise
 * @param bucket             the S3 bucket the Firehose delivery stream writes to
 * @param createResources    create the stream, delivery stream and bucket when missing; unset means
 *                           yes for embedded and endpoint, no for real AWS
 * @param shardCount         shards of a Kinesis stream the console creates
 * @param firehoseBuffer     buffering interval of a delivery stream the console creates
 * @param firehoseRoleArn    the role a created delivery stream writes to S3 with (real AWS needs a real one)
 * @param connectTimeout     TCP connect timeout of the clients; short, so a dead endpoint fails fast
 * @param callTimeout        whole-call timeout of one SDK call
 */
@ConfigurationProperties("memberstream.aws")
public record AwsProperties(
        @DefaultValue("embedded") AwsMode mode,
        URI endpoint,
        String region,
        @DefaultValue("memberstream-events") String bucket,
        Boolean createResources,
        @DefaultValue("4") int shardCount,
        @DefaultValue("60s") Duration firehoseBuffer,
        @DefaultValue("arn:aws:iam::000000000000:role/memberstream-firehose") String firehoseRoleArn,
        @DefaultValue("1s") Duration connectTimeout,
        @DefaultValue("10s") Duration callTimeout) {

    public AwsProperties {
        if (mode == AwsMode.ENDPOINT && endpoint == null) {
            throw new IllegalArgumentException(
                    "memberstream.aws.mode=endpoint needs memberstream.aws.endpoint, e.g. http://localhost:4566");
        }
        if (shardCount < 1) {
            throw new IllegalArgumentException("memberstream.aws.shard-count must be at least 1, was " + shardCount);
        }
    }

    /** Whether missing resources are created at start: as configured, else everywhere but real AWS. */
    public boolean shouldCreateResources() {
        return createResources != null ? createResources : mode != AwsMode.AWS;
    }
}
