package memberstream;

import java.util.function.Supplier;

/**
 * Builds an AWS SDK Kinesis client that speaks JSON or CBOR. The SDK reads the system property
 * {@code aws.cborEnabled} once, when a client's protocol factory is built, so it is set only around
 * the build and restored after. Not for concurrent use with other builders of Kinesis clients.
 */
public final class KinesisWireProtocol {

    private static final String PROPERTY = "aws.cborEnabled";

    private KinesisWireProtocol() {
    }

    /** What {@code build} returns, built with JSON on the wire if {@code json}, else CBOR. */
    public static <T> T building(boolean json, Supplier<T> build) {
        String previous = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, Boolean.toString(!json));
        try {
            return build.get();
        } finally {
            if (previous == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, previous);
            }
        }
    }
}
