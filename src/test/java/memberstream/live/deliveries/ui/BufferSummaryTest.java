package memberstream.live.deliveries.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import memberstream.live.deliveries.DeliveryBrowser.BufferState;
import memberstream.live.deliveries.DeliveryBrowser.DeliveryStreamRow;
import org.junit.jupiter.api.Test;

/** The one line the delivery browser shows for a buffer, in each case the engine can report. */
class BufferSummaryTest {

    private static final DeliveryStreamRow STREAM = new DeliveryStreamRow("members-delivery", "ACTIVE", "DirectPut",
            "bucket", "events/", null, 5, 900, "GZIP", "none", null, "1", null, null, null);
    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");

    private static BufferState state(long records, long bytes, int partitions, long retrying, Duration untilFlush) {
        return new BufferState(records, bytes, partitions, retrying, records == 0 ? null : NOW, untilFlush, NOW, null);
    }

    @Test
    void heldRecordsWithTheTimeLeftAndTheSizeThatWouldFlushSooner() {
        assertThat(DeliveryBrowserView.bufferSummary(state(12, 13_722, 1, 0, Duration.ofMillis(40_001)), STREAM))
                .isEqualTo("12 records, 13.4 KiB buffered · flush in 41 s (or when 5 MiB)");
        assertThat(DeliveryBrowserView.bufferSummary(state(1, 10, 1, 0, Duration.ofSeconds(899)), STREAM))
                .isEqualTo("1 record, 10 B buffered · flush in 14 min 59 s (or when 5 MiB)");
        assertThat(DeliveryBrowserView.bufferSummary(state(1, 10, 1, 0, Duration.ZERO), STREAM))
                .isEqualTo("1 record, 10 B buffered · flush due now (or when 5 MiB)");
    }

    @Test
    void partitionsRetriesAndAnEmptyBuffer() {
        assertThat(DeliveryBrowserView.bufferSummary(state(7, 700, 3, 0, Duration.ofSeconds(5)), STREAM))
                .isEqualTo("7 records, 700 B buffered in 3 partitions · soonest flush in 5 s (or when 5 MiB)");
        assertThat(DeliveryBrowserView.bufferSummary(state(4, 120, 0, 4, null), STREAM))
                .isEqualTo("4 records, 120 B buffered · 4 records waiting for a retry after a failed delivery");
        assertThat(DeliveryBrowserView.bufferSummary(state(0, 0, 0, 0, null), STREAM))
                .isEqualTo("Nothing buffered · the next record starts the 900 s interval (or when 5 MiB)");
    }
}
