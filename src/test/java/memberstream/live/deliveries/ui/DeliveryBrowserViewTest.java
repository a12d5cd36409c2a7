package memberstream.live.deliveries.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.PollEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.Eventually;
import memberstream.aws.AwsClients;
import memberstream.live.deliveries.DeliveryBrowser.DeliveryStreamRow;
import memberstream.live.deliveries.DeliveryBrowser.ObjectRow;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.ProcessorType;

class DeliveryBrowserViewTest extends AbstractViewTest {

    @Autowired
    AwsClients aws;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String bucket = "deliveries-" + suffix;
    private final String deliveryStream = "aaa-deliveries-" + suffix;

    @BeforeEach
    void aDeliveryStreamThatDeliveredThreeRecords() {
        DeliveredStreams.deliver(aws, deliveryStream, bucket, "events/",
                "{\"type\":\"io.memberstream.member.created\",\"subject\":\"1\"}",
                "{\"type\":\"io.memberstream.member.updated\",\"subject\":\"1\"}",
                "{\"type\":\"io.memberstream.member.deleted\",\"subject\":\"1\"}");
    }

    @Test
    void showsTheConfigurationTheLastDeliveryAndOpensItDecoded() {
        loginAsViewer();
        UI.getCurrent().navigate(DeliveryBrowserView.class);

        Grid<DeliveryStreamRow> streams = grid("delivery-streams");
        DeliveryStreamRow row = streams.getGenericDataView().getItems()
                .filter(r -> r.name().equals(deliveryStream)).findFirst().orElseThrow();
        streams.select(row);

        String configuration = _get(Div.class, spec -> spec.withId("delivery-configuration")).getElement().getTextRecursively();
        assertThat(configuration).contains("s3://" + bucket + "/events/").contains("errors/").contains("GZIP")
                .contains("AppendDelimiterToRecord").contains("1 MB or 0 s");
        assertThat(_get(Span.class, spec -> spec.withId("buffered-summary")).getText())
                .isEqualTo("Nothing buffered · the next record starts the 0 s interval (or when 1 MiB)");

        Grid<ObjectRow> last = grid("last-deliveries");
        ObjectRow delivered = last.getGenericDataView().getItems().findFirst().orElseThrow();
        assertThat(delivered.key()).startsWith("events/").endsWith(".gz").contains(deliveryStream + "-1-");
        assertThat(delivered.compression()).isEqualTo("GZIP");
        assertThat(delivered.records()).isEqualTo(3);
        assertThat(grid("failures").getGenericDataView().getItems()).isEmpty();

        GridKt._clickItem(last, 0);
        assertThat(_get(Span.class, spec -> spec.withId("opened-summary")).getText())
                .startsWith("3 record(s), GZIP");
        List<String> records = com.github.mvysny.kaributesting.v10.LocatorJ._find(Pre.class).stream()
                .map(Pre::getText).toList();
        assertThat(records).hasSize(3);
        assertThat(records.get(2)).isEqualTo("{\n  \"type\" : \"io.memberstream.member.deleted\",\n  \"subject\" : \"1\"\n}");
        assertThat(_get(Anchor.class, spec -> spec.withId("download-object")).getText()).startsWith("Download as stored");
    }

    @Test
    void aDecompressionBombOpensCutWithANoteAndCanStillBeDownloaded() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(bytes)) {
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 64; i++) {
                gzip.write(zeros);
            }
        }
        String key = "events/bomb-" + suffix + ".gz";
        aws.s3().putObject(b -> b.bucket(bucket).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes.toByteArray()));
        loginAsViewer();
        UI.getCurrent().navigate(DeliveryBrowserView.class);

        DeliveryBrowserView view = _get(DeliveryBrowserView.class);
        view.openObject(new ObjectRow(bucket, key, bytes.size(), java.time.Instant.now(), "GZIP", null));

        assertThat(_get(com.vaadin.flow.component.html.Paragraph.class, spec -> spec.withId("opened-cut")).getText())
                .startsWith("Only the start of this object is shown").contains("Download it as stored");
        assertThat(_get(Span.class, spec -> spec.withId("opened-summary")).getText()).contains("8.0 MiB decompressed");
        assertThat(_get(Anchor.class, spec -> spec.withId("download-object")).getText()).startsWith("Download as stored");
    }

    @Test
    void showsWhatIsBufferedAndRefreshesItUntilTheIntervalFlushDeliversIt() {
        String held = "aaa-held-" + suffix;
        aws.firehose().createDeliveryStream(r -> r.deliveryStreamName(held)
                .deliveryStreamType(DeliveryStreamType.DIRECT_PUT)
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::" + bucket)
                        .roleARN("arn:aws:iam::000000000000:role/test").prefix("held/")
                        .bufferingHints(h -> h.sizeInMBs(2).intervalInSeconds(4))
                        .processingConfiguration(p -> p.enabled(true).processors(pr -> pr.type(ProcessorType.APPEND_DELIMITER_TO_RECORD)))));
        String first = "{\"type\":\"io.memberstream.member.created\",\"subject\":\"7\"}";
        String second = "{\"type\":\"io.memberstream.member.updated\",\"subject\":\"7\"}";
        DeliveredStreams.put(aws, held, first, second);
        long bytes = first.length() + second.length() + 2; // as the buffer counts: with the appended newlines

        loginAsViewer();
        UI.getCurrent().navigate(DeliveryBrowserView.class);
        Grid<DeliveryStreamRow> streams = grid("delivery-streams");
        streams.select(streams.getGenericDataView().getItems().filter(r -> r.name().equals(held)).findFirst().orElseThrow());

        // The engine reports its buffer; the interval (4 s) runs from the first record's arrival.
        assertThat(_get(Span.class, spec -> spec.withId("buffered-summary")).getText())
                .matches("2 records, " + bytes + " B buffered · flush in [1-4] s \\(or when 2 MiB\\)");
        String numbers = _get(Div.class, spec -> spec.withId("buffered-now")).getElement().getTextRecursively();
        assertThat(numbers).contains("Records2").contains("Bytes (before compression)" + bytes + " B")
                .containsPattern("Oldest record arrived \\(UTC\\)\\d{2}:\\d{2}:\\d{2}");
        assertThat(grid("last-deliveries").getGenericDataView().getItems()).isEmpty();

        // The UI poll asks again; once the interval flush has written the object, nothing is held and
        // the last deliveries show it.
        Eventually.within(Duration.ofSeconds(15), "the buffer emptied by the interval flush, seen on a poll", () -> {
            ComponentUtil.fireEvent(UI.getCurrent(), new PollEvent(UI.getCurrent(), true));
            return _get(Span.class, spec -> spec.withId("buffered-summary")).getText().startsWith("Nothing buffered");
        });
        assertThat(_get(Span.class, spec -> spec.withId("buffered-summary")).getText())
                .isEqualTo("Nothing buffered · the next record starts the 4 s interval (or when 2 MiB)");
        Grid<ObjectRow> last = grid("last-deliveries");
        assertThat(last.getGenericDataView().getItems().toList()).singleElement().satisfies(o -> {
            assertThat(o.key()).startsWith("held/").contains(held + "-1-");
            assertThat(o.records()).isEqualTo(2);
        });
    }

    @Test
    void browsesTheBucketByPrefix() {
        loginAsViewer();
        UI.getCurrent().navigate(DeliveryBrowserView.class);
        Grid<DeliveryStreamRow> streams = grid("delivery-streams");
        streams.select(streams.getGenericDataView().getItems().filter(r -> r.name().equals(deliveryStream))
                .findFirst().orElseThrow());

        // the bucket opens at the delivery stream's prefix: events/ holds the year folder
        Grid<BucketBrowser.Entry> objects = grid("objects");
        List<BucketBrowser.Entry> entries = objects.getGenericDataView().getItems().toList();
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.folder()).isTrue();
            assertThat(e.name()).matches("events/\\d{4}/");
        });
        for (int depth = 0; depth < 4; depth++) { // year, month, day, hour
            GridKt._clickItem(objects, 0);
        }
        BucketBrowser.Entry object = objects.getGenericDataView().getItems().findFirst().orElseThrow();
        assertThat(object.folder()).isFalse();
        assertThat(object.object().records()).isEqualTo(3);
        assertThat(object.object().size()).isPositive();
    }

    @SuppressWarnings("unchecked")
    private static <T> Grid<T> grid(String id) {
        return _get(Grid.class, spec -> spec.withId(id));
    }
}
