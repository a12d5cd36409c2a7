package memberstream.engine.protocol;

/** One operation of an AWS JSON service: takes a validated call, returns the answer (see {@link WireWriter#value}). */
@FunctionalInterface
public interface AwsOperation {

    Object invoke(AwsCall call);
}
