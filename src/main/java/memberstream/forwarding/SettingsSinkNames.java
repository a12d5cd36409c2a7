package memberstream.forwarding;

import java.util.function.Supplier;
import memberstream.settings.Settings;
import memberstream.settings.SettingsService;

/** The sink switch and resource names, read from the settings for every event (from memory, see SettingsService). */
class SettingsSinkNames implements Supplier<SinkNames> {

    private final SettingsService settings;

    SettingsSinkNames(SettingsService settings) {
        this.settings = settings;
    }

    @Override
    public SinkNames get() {
        return of(settings.current());
    }

    static SinkNames of(Settings settings) {
        return new SinkNames(settings.firehose(), settings.kinesisStreamName(), settings.firehoseDeliveryStreamName());
    }
}
