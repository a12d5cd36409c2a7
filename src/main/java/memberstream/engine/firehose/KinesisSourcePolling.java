package memberstream.engine.firehose;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery streams whose source is a Kinesis stream: each poll reads up to
 * {@link FirehoseService#MAX_SOURCE_RECORDS_PER_POLL} new records per stream, buffers them with their
 * arrival time in Kinesis, waits until the buffer is durable, then saves the positions per shard in the
 * catalog, so a restart loses nothing (a crash between the two reads that batch again: Firehose, too, may
 * deliver a record twice). Called by the delivery thread under the
 * service's delivery lock.
 */
final class KinesisSourcePolling {

    private static final Logger log = LoggerFactory.getLogger(KinesisSourcePolling.class);

    private final KinesisSourceReader kinesis;
    private final DeliveryStreamCatalog catalog;
    private final Clock clock;

    KinesisSourcePolling(KinesisSourceReader kinesis, DeliveryStreamCatalog catalog, Clock clock) {
        this.kinesis = kinesis;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Whether the source stream exists (a new delivery stream names it). */
    boolean exists(String streamArn) {
        return kinesis.exists(streamArn);
    }

    /** Reads what is new in each Kinesis-sourced stream's source into its buffer. */
    void poll(Iterable<DeliveryStream> streams) {
        for (DeliveryStream stream : streams) {
            DeliveryStreamCatalog.Definition definition = stream.definition();
            if (!definition.kinesisSource()) {
                continue;
            }
            try {
                pollKinesisSource(stream, definition);
            } catch (RuntimeException e) {
                log.warn("Delivery stream {}: cannot read its Kinesis source {}", definition.name(),
                        definition.source().path("KinesisStreamARN").asText(), e);
            }
        }
    }

    private void pollKinesisSource(DeliveryStream stream, DeliveryStreamCatalog.Definition definition) {
        String streamArn = definition.source().path("KinesisStreamARN").asText();
        Map<String, String> positions = catalog.loadSourcePositions(definition.name());
        List<KinesisSourceReader.SourceRecord> records = kinesis.read(streamArn, positions,
                definition.createdMillis(), FirehoseService.MAX_SOURCE_RECORDS_PER_POLL);
        if (records.isEmpty()) {
            return;
        }
        // Keep each record's arrival time in Kinesis, as Firehose does for its timestamps.
        long now = clock.millis();
        long end = 0;
        int from = 0;
        while (from < records.size()) {
            long arrival = records.get(from).arrivalMillis();
            int to = from;
            List<byte[]> batch = new ArrayList<>();
            while (to < records.size() && records.get(to).arrivalMillis() == arrival) {
                batch.add(records.get(to).data());
                to++;
            }
            long[] positionsInBuffer = stream.accept(batch, stream.partition(batch), Math.min(arrival, now));
            end = positionsInBuffer[batch.size()];
            from = to;
        }
        stream.buffer().awaitDurable(end);
        for (KinesisSourceReader.SourceRecord record : records) {
            positions.put(record.shardId(), record.sequenceNumber());
        }
        catalog.saveSourcePositions(definition.name(), positions);
    }
}
