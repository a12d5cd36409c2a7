package memberstream.engine.protocol;

/**
 * The body of a response written over time (an event stream such as SubscribeToShard's). See
 * {@link EngineResponse#streamed}.
 */
@FunctionalInterface
public interface ResponseStream {

    /**
     * Called once, on an engine worker thread, right after the status and headers were handed to the
     * connection. Must return promptly: keep {@code sink} and write to it from whatever thread produces
     * the chunks. Throwing here cuts the response off (the client sees a truncated body).
     */
    void open(ResponseStreamSink sink);
}
