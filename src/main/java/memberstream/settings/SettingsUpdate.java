package memberstream.settings;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * New settings as an admin submits them. Stream names follow AWS's rules for Kinesis stream and
 * Firehose delivery stream names: 1 to 128 of {@code a-z A-Z 0-9 _ . -}.
 *
 * @param version the {@link Settings#version()} the change was based on, or null to overwrite
 *                whatever is stored
 */
public record SettingsUpdate(
        @NotNull(message = "Say whether events go to Firehose")
        Boolean firehose,
        @NotNull(message = "Enter the Kinesis stream name")
        @Size(min = 1, max = 128, message = "Use 1 to 128 characters")
        @Pattern(regexp = STREAM_NAME, message = "Use only letters, digits, _ . and -")
        String kinesisStreamName,
        @NotNull(message = "Enter the Firehose delivery stream name")
        @Size(min = 1, max = 128, message = "Use 1 to 128 characters")
        @Pattern(regexp = STREAM_NAME, message = "Use only letters, digits, _ . and -")
        String firehoseDeliveryStreamName,
        Long version) {

    static final String STREAM_NAME = "[a-zA-Z0-9_.-]*";
}
