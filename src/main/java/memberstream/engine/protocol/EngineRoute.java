package memberstream.engine.protocol;

/**
 * One service behind the engine's single port. The front door asks each route in order whether it
 * accepts a request: Kinesis and Firehose by their {@code X-Amz-Target} prefix
 * ({@code Kinesis_20131202.}, {@code Firehose_20150804.}); S3 takes the REST requests left over.
 * Implementations must be thread-safe: the front door calls them from several I/O threads at once.
 * A route turns every client mistake into a 4xx in its protocol's error shape; it never throws for one.
 */
public interface EngineRoute {

    boolean accepts(EngineRequest request);

    EngineResponse handle(EngineRequest request);
}
