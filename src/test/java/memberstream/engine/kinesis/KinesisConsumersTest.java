package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import memberstream.MutableClock;
import memberstream.engine.EngineProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListStreamConsumersResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * Enhanced fan-out consumers as the API reference describes them: register, describe (by ARN or by
 * stream and name), list with paging, deregister, the limits, and that they outlive a restart.
 * Through the SDK's sync client over HTTP, JSON and CBOR.
 */
class KinesisConsumersTest {

    static final Duration DELAY = Duration.ofSeconds(1);

    @TempDir
    Path directory;

    MutableClock clock = new MutableClock(Instant.parse("2026-05-06T07:08:09.500Z"));
    LocalKinesis engine;
    KinesisClient kinesis;
    String streamArn;

    @BeforeEach
    void start() {
        engine = open();
        kinesis = engine.client(false);
        kinesis.createStream(b -> b.streamName("members").shardCount(2));
        clock.advance(DELAY);
        streamArn = kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().streamARN();
    }

    LocalKinesis open() {
        return new LocalKinesis(directory, EngineProperties.defaults().withPort(0).withStatusDelay(DELAY), clock);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void aRegisteredConsumerIsCreatingThenActiveWithAnArnInAwsFormat() {
        Consumer registered = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("audit")).consumer();

        assertThat(registered.consumerStatus()).isEqualTo(ConsumerStatus.CREATING);
        assertThat(registered.consumerARN()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/members/consumer/audit:"
                + clock.instant().getEpochSecond());
        assertThat(registered.consumerCreationTimestamp()).isEqualTo(clock.instant());

        clock.advance(DELAY);
        ConsumerDescription byArn = kinesis.describeStreamConsumer(b -> b.consumerARN(registered.consumerARN())).consumerDescription();
        ConsumerDescription byName = kinesis.describeStreamConsumer(b -> b.streamARN(streamArn).consumerName("audit"))
                .consumerDescription();
        assertThat(byArn).isEqualTo(byName);
        assertThat(byArn.consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE);
        assertThat(byArn.streamARN()).isEqualTo(streamArn);
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().consumerCount())
                .isEqualTo(1);
    }

    @Test
    void namesAreUniquePerStreamAndLookupsOfOthersFail() {
        String arn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("audit")).consumer().consumerARN();

        assertThatThrownBy(() -> kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("audit")))
                .isInstanceOf(ResourceInUseException.class);
        assertThatThrownBy(() -> kinesis.describeStreamConsumer(b -> b.streamARN(streamArn).consumerName("nobody")))
                .isInstanceOf(ResourceNotFoundException.class);
        // the same name with another creation time is another consumer
        assertThatThrownBy(() -> kinesis.describeStreamConsumer(b -> b.consumerARN(arn.substring(0, arn.lastIndexOf(':')) + ":1")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> kinesis.describeStreamConsumer(b -> b.consumerName("audit")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> kinesis.registerStreamConsumer(b -> b.streamARN(streamArn.replace("members", "absent"))
                .consumerName("audit"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void twentyConsumersAStreamAndFiveCreatingAtOnce() {
        for (int i = 0; i < 5; i++) {
            int n = i;
            kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("c" + n));
        }
        assertThatThrownBy(() -> kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("c5")))
                .isInstanceOf(LimitExceededException.class);
        clock.advance(DELAY);
        for (int i = 5; i < 20; i++) {
            int n = i;
            kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("c" + n));
            clock.advance(DELAY);
        }
        assertThatThrownBy(() -> kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("c20")))
                .isInstanceOf(LimitExceededException.class);

        kinesis.deregisterStreamConsumer(b -> b.streamARN(streamArn).consumerName("c0"));
        clock.advance(DELAY);
        kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("c20"));
    }

    @Test
    void listingPagesWithNextTokenAndChecksTheStreamCreationTimestamp() {
        for (int i = 0; i < 5; i++) {
            int n = i;
            kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("c" + n));
            clock.advance(Duration.ofMillis(300));
        }
        List<String> names = new ArrayList<>();
        ListStreamConsumersResponse page = kinesis.listStreamConsumers(b -> b.streamARN(streamArn).maxResults(2));
        int pages = 1;
        page.consumers().forEach(c -> names.add(c.consumerName()));
        while (page.nextToken() != null) {
            String token = page.nextToken();
            page = kinesis.listStreamConsumers(b -> b.streamARN(streamArn).nextToken(token).maxResults(2));
            page.consumers().forEach(c -> names.add(c.consumerName()));
            pages++;
        }
        assertThat(names).containsExactly("c0", "c1", "c2", "c3", "c4");
        assertThat(pages).isEqualTo(3);

        Instant created = kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary()
                .streamCreationTimestamp();
        assertThat(kinesis.listStreamConsumers(b -> b.streamARN(streamArn).streamCreationTimestamp(created)).consumers()).hasSize(5);
        assertThatThrownBy(() -> kinesis.listStreamConsumers(b -> b.streamARN(streamArn)
                .streamCreationTimestamp(created.minusSeconds(60)))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> kinesis.listStreamConsumers(b -> b.streamARN(streamArn).nextToken("bm9wZQ==")))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void deregisteringByNameOrArnMakesTheConsumerDeletingThenGone() {
        String arn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("a")).consumer().consumerARN();
        kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("b"));
        clock.advance(DELAY);

        kinesis.deregisterStreamConsumer(b -> b.consumerARN(arn));
        kinesis.deregisterStreamConsumer(b -> b.streamARN(streamArn).consumerName("b"));

        assertThat(kinesis.describeStreamConsumer(b -> b.consumerARN(arn)).consumerDescription().consumerStatus())
                .isEqualTo(ConsumerStatus.DELETING);
        clock.advance(DELAY);
        assertThatThrownBy(() -> kinesis.describeStreamConsumer(b -> b.consumerARN(arn))).isInstanceOf(ResourceNotFoundException.class);
        assertThat(kinesis.listStreamConsumers(b -> b.streamARN(streamArn)).consumers()).isEmpty();
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("members")).streamDescriptionSummary().consumerCount())
                .isZero();
    }

    @Test
    void aStreamWithConsumersIsDeletedOnlyWhenConsumerDeletionIsEnforced() {
        kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("audit"));

        assertThatThrownBy(() -> kinesis.deleteStream(b -> b.streamName("members"))).isInstanceOf(ResourceInUseException.class);
        kinesis.deleteStream(b -> b.streamName("members").enforceConsumerDeletion(true));
        clock.advance(DELAY);

        assertThatThrownBy(() -> kinesis.describeStreamSummary(b -> b.streamName("members")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void consumersSurviveARestartWithTheirArns() {
        String arn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("audit")).consumer().consumerARN();
        kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("gone"));
        clock.advance(DELAY);
        kinesis.deregisterStreamConsumer(b -> b.streamARN(streamArn).consumerName("gone"));
        clock.advance(DELAY);
        engine.close();

        engine = open();
        KinesisClient reopened = engine.client(true);
        assertThat(reopened.listStreamConsumers(b -> b.streamARN(streamArn)).consumers())
                .extracting(Consumer::consumerARN).containsExactly(arn);
        assertThat(reopened.describeStreamConsumer(b -> b.consumerARN(arn)).consumerDescription().consumerStatus())
                .isEqualTo(ConsumerStatus.ACTIVE);
    }
}
