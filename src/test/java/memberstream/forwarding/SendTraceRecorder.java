package memberstream.forwarding;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * For benchmarks: records, per event id, when the Kinesis sender's call that carried it started and
 * ended ({@link System#nanoTime()} as the {@code memberstream.forwarding.SendTrace} line is logged, on the
 * sender thread), so that a save → readable latency can be split into the wait before the call, the call
 * itself and the wait for the consumer. Only the first call of an event counts (a retry keeps the first
 * start, the first end). Thread-safe; {@link #close} stops recording and restores the logger.
 */
final class SendTraceRecorder implements AutoCloseable {

    private final Map<String, Long> callStarts = new ConcurrentHashMap<>();
    private final Map<String, Long> callEnds = new ConcurrentHashMap<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("memberstream.forwarding.SendTrace");
    private final Level previousLevel = logger.getLevel();
    private final boolean previousAdditive = logger.isAdditive();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            long now = System.nanoTime();
            Object[] arguments = event.getArgumentArray();
            if (arguments == null || arguments.length < 2) {
                return;
            }
            Map<String, Long> into = event.getMessage().startsWith("send-start") ? callStarts : callEnds;
            for (String id : String.valueOf(arguments[1]).split(",")) {
                into.putIfAbsent(id, now);
            }
        }
    };

    SendTraceRecorder() {
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
        logger.setLevel(Level.DEBUG);
    }

    /** When the first call carrying the event started (nanoTime), or null. */
    Long started(String eventId) {
        return callStarts.get(eventId);
    }

    /** When the first call carrying the event returned (nanoTime), or null. */
    Long ended(String eventId) {
        return callEnds.get(eventId);
    }

    @Override
    public void close() {
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
        logger.detachAppender(appender);
        appender.stop();
    }
}
