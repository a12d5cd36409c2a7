package memberstream.engine.kinesis;

/** The fidelity checks over JSON (what the AWS CLI and boto3 send). */
class KinesisFidelityOverJsonTest extends KinesisFidelityTest {

    @Override
    boolean json() {
        return true;
    }
}
