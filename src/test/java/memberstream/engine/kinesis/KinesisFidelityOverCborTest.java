package memberstream.engine.kinesis;

/** The fidelity checks over CBOR (the Java SDK's default). */
class KinesisFidelityOverCborTest extends KinesisFidelityTest {

    @Override
    boolean json() {
        return false;
    }
}
