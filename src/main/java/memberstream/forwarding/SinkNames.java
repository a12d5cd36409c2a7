package memberstream.forwarding;

/** The Settings page's switch and the two resource names, as forwarding reads them for each event. */
record SinkNames(boolean firehose, String kinesisStream, String firehoseDeliveryStream) {

    SinkRoute route() {
        return firehose
                ? new SinkRoute(SinkKind.FIREHOSE, firehoseDeliveryStream)
                : new SinkRoute(SinkKind.KINESIS, kinesisStream);
    }
}
