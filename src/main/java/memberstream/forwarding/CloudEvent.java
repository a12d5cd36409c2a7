package memberstream.forwarding;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One event on the wire: CloudEvents 1.0 in structured JSON form, one object per Kinesis record or
 * Firehose line. {@code id} is the event id, so a resent event is recognisable as the same one;
 * {@code subject} is the member id (or {@code settings}); {@code time} is RFC 3339 in UTC.
 */
@JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"})
public record CloudEvent(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        String time,
        String datacontenttype,
        Object data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";
}
