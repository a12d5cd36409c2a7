package memberstream.engine.kinesis;

/** The contract over CBOR, the AWS SDK for Java's default encoding for Kinesis. */
class KinesisOverCborTest extends KinesisContractTest {

    @Override
    boolean json() {
        return false;
    }
}
