package memberstream.engine.kinesis;

/** The contract over JSON (what the AWS CLI and boto3 send), with the SDK's CBOR switched off. */
class KinesisOverJsonTest extends KinesisContractTest {

    @Override
    boolean json() {
        return true;
    }
}
