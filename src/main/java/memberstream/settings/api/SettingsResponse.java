package memberstream.settings.api;

import java.time.Instant;
import memberstream.settings.Settings;

/** The settings as the API shows them; send {@code version} back with a change. */
record SettingsResponse(
        boolean firehose,
        String kinesisStreamName,
        String firehoseDeliveryStreamName,
        String updatedBy,
        Instant updatedAt,
        long version) {

    static SettingsResponse of(Settings settings) {
        return new SettingsResponse(settings.firehose(), settings.kinesisStreamName(),
                settings.firehoseDeliveryStreamName(), settings.updatedBy(), settings.updatedAt(), settings.version());
    }
}
