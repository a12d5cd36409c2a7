package memberstream.engine.protocol;

/** One operation of an AWS JSON service: takes a validated call, returns the answer (see {@link WireWriter#value}),
 * optionally wrapped in {@link WithHeaders}. */
@FunctionalInterface
public interface AwsOperation {

    Object invoke(AwsCall call);
}
