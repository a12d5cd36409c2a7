package memberstream.engine.kinesis;

import memberstream.engine.protocol.Arn;

/**
 * A consumer's ARN read by its parts:
 * {@code arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<consumer>:<creation epoch seconds>}.
 * Immutable.
 */
record ConsumerArn(String region, String streamName, String consumerName, long createdEpochSeconds) {

    private static final String NAME_CHARS = "_.-";

    /** The parts of {@code text}, or null if it is not a consumer ARN. */
    static ConsumerArn parse(String text) {
        Arn arn = Arn.parse(text);
        if (arn == null || !arn.partition().startsWith("aws") || !arn.service().equals("kinesis")
                || !Arn.digits(arn.account(), 12) || !arn.resource().startsWith("stream/")) {
            return null;
        }
        String rest = arn.resource().substring("stream/".length());
        int consumerAt = rest.indexOf("/consumer/");
        int colon = rest.lastIndexOf(':');
        if (consumerAt < 0 || colon < consumerAt) {
            return null;
        }
        String stream = rest.substring(0, consumerAt);
        String consumer = rest.substring(consumerAt + "/consumer/".length(), colon);
        String seconds = rest.substring(colon + 1);
        if (!Arn.wordChars(stream, NAME_CHARS) || !Arn.wordChars(consumer, NAME_CHARS)
                || seconds.isEmpty() || seconds.length() > 18 || !Arn.digits(seconds, seconds.length())) {
            return null;
        }
        return new ConsumerArn(arn.region(), stream, consumer, Long.parseLong(seconds));
    }
}
