package memberstream.settings;

import java.time.Instant;

/**
 * The console's settings as of one moment: where member events go and the names of the two sinks.
 * {@code updatedBy} and {@code updatedAt} are null until someone first changes them.
 *
 * @param firehose true: send member events to Firehose ({@code firehoseDeliveryStreamName});
 *                 false: to Kinesis ({@code kinesisStreamName})
 * @param version  increases with every change; pass it back in {@link SettingsUpdate} to detect
 *                 a concurrent change
 */
public record Settings(
        boolean firehose,
        String kinesisStreamName,
        String firehoseDeliveryStreamName,
        String updatedBy,
        Instant updatedAt,
        long version) {

    /** The name of the stream member events go to now. */
    public String activeStreamName() {
        return firehose ? firehoseDeliveryStreamName : kinesisStreamName;
    }
}
