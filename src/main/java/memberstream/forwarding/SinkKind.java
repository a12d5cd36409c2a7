package memberstream.forwarding;

/** The two places an event can be forwarded to, chosen per event by the Settings switch. */
public enum SinkKind {
    KINESIS,
    FIREHOSE
}
