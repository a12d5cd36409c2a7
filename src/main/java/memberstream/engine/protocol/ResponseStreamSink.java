package memberstream.engine.protocol;

/**
 * Where a {@link ResponseStream} writes its body: one per streamed response.
 *
 * <p>Thread-safety: every method may be called from any thread; calls to {@link #send} are written in
 * the order they return. Nothing blocks.
 *
 * <p>Back-pressure: {@link #send} queues the chunk and returns at once. {@link #isWritable()} turns false
 * while the client is behind (the connection's or HTTP/2 stream's window is full); a producer that can
 * wait should hold further chunks until it turns true again (poll it, or send less often). If a client
 * stops reading and more than {@link #MAX_PENDING_BYTES} are queued, the sink gives up: the response is
 * cut off (the HTTP/2 stream reset, the HTTP/1.1 connection closed) and the close actions run, so a
 * stalled client never makes the engine hold unbounded memory.
 *
 * <p>End: {@link #end()} finishes the body normally (last chunk, or DATA with END_STREAM); an HTTP/1.1
 * connection then serves its next request. When the client goes away (connection closed, HTTP/2 stream
 * reset) or the engine shuts down, the sink closes by itself. Either way, every action given to
 * {@link #onClose} runs exactly once, after which {@link #isOpen()} is false and {@link #send}/{@link #end}
 * do nothing.
 */
public interface ResponseStreamSink {

    /** Chunks queued and not yet taken by the network beyond which a stalled client is cut off. */
    long MAX_PENDING_BYTES = 16L * 1024 * 1024;

    /** Queues one chunk of the body; the sink owns the array from now on. Ignored once closed or if empty. */
    void send(byte[] chunk);

    /** Ends the body normally. Ignored once closed. */
    void end();

    /** False once the body ended, was cut off, or the client went away. */
    boolean isOpen();

    /** True while open and the client keeps up (see the back-pressure note above). */
    boolean isWritable();

    /**
     * Runs {@code action} once when the sink closes for any reason (on a Netty thread: keep it short);
     * at once, on the caller's thread, if it is already closed.
     */
    void onClose(Runnable action);
}
