package memberstream.engine;

import static memberstream.engine.RawHttp2.CONTINUATION;
import static memberstream.engine.RawHttp2.DATA;
import static memberstream.engine.RawHttp2.END_STREAM;
import static memberstream.engine.RawHttp2.GOAWAY;
import static memberstream.engine.RawHttp2.HEADERS;
import static memberstream.engine.RawHttp2.REFUSED_STREAM;
import static memberstream.engine.RawHttp2.RST_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import memberstream.engine.RawHttp2.Frame;
import memberstream.engine.protocol.FrontDoor;
import memberstream.engine.s3.S3Route;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** What a hostile HTTP/2 client gets: bounded answers, never unbounded work, and other clients unharmed. */
class Http2HostileTest {

    private TestEngine engine;
    private int port;

    @BeforeEach
    void start() {
        engine = new TestEngine("http2-hostile", false, false);
        port = engine.server.port();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private static long count(List<Frame> frames, int type, long errorCode) {
        return frames.stream().filter(f -> f.type() == type && f.errorCode() == errorCode).count();
    }

    private static Frame answerOn(List<Frame> frames, int streamId) {
        return frames.stream().filter(f -> f.streamId() == streamId && (f.type() == HEADERS || f.type() == RST_STREAM))
                .findFirst().orElse(null);
    }

    private static String status(Frame frame) {
        return frame == null || frame.headers() == null ? null : frame.headers().status().toString();
    }

    private void assertServesAFreshConnection() throws IOException {
        try (RawHttp2 client = new RawHttp2(port)) {
            client.headers(1, client.headerBlock("GET", "/", Map.of()), true);
            assertThat(status(answerOn(client.readUntil(frames -> answerOn(frames, 1) != null), 1))).isEqualTo("200");
        }
    }

    @Test
    void streamsBeyondTheLimitAreRefusedAndTheOthersAreStillAnswered() throws IOException {
        int limit = CleartextProtocols.MAX_CONCURRENT_STREAMS;
        try (RawHttp2 client = new RawHttp2(port)) {
            // Never acknowledges the server's SETTINGS, so the limit must hold from the first stream.
            for (int i = 0; i < limit + 50; i++) {
                client.headers(1 + 2 * i, client.headerBlock("PUT", "/bucket-" + i, Map.of()), false);
            }
            List<Frame> frames = client.readUntil(read -> count(read, RST_STREAM, REFUSED_STREAM) >= 50);
            List<Integer> refused = frames.stream().filter(f -> f.type() == RST_STREAM && f.errorCode() == REFUSED_STREAM)
                    .map(Frame::streamId).toList();
            assertThat(refused).hasSize(50).allMatch(id -> id > 2 * limit - 1);

            client.frame(DATA, END_STREAM, 1, new byte[0]);
            assertThat(status(answerOn(client.readUntil(read -> answerOn(read, 1) != null), 1))).isEqualTo("200");
        }
        assertServesAFreshConnection();
    }

    @Test
    void anOversizedHeaderListGets431AndAHugeOneClosesTheConnection() throws IOException {
        try (RawHttp2 client = new RawHttp2(port)) {
            client.headers(1, client.headerBlock("GET", "/", Map.of("x-big", "a".repeat(70 * 1024))), true);
            Frame answer = answerOn(client.readUntil(read -> answerOn(read, 1) != null), 1);
            assertThat(answer).isNotNull();
            assertThat(status(answer)).isEqualTo("431");
            // The connection survives one oversized stream.
            client.headers(3, client.headerBlock("GET", "/", Map.of()), true);
            assertThat(status(answerOn(client.readUntil(read -> answerOn(read, 3) != null), 3))).isEqualTo("200");
        }
        try (RawHttp2 client = new RawHttp2(port)) {
            try {
                client.headers(1, client.headerBlock("GET", "/", Map.of("x-big", "a".repeat(1024 * 1024))), true);
            } catch (IOException closedWhileSending) {
                // The server may close before the whole block is sent: that is the point.
            }
            List<Frame> frames = client.readUntil(read -> read.stream().anyMatch(f -> f.type() == GOAWAY));
            assertThat(frames).anyMatch(f -> f.type() == GOAWAY || f.type() == RST_STREAM);
            assertThat(frames).noneMatch(f -> f.type() == HEADERS && "200".equals(status(f)));
        }
        assertServesAFreshConnection();
    }

    @Test
    void aResetFloodEndsTheConnection() throws IOException {
        try (RawHttp2 client = new RawHttp2(port)) {
            try {
                for (int i = 0; i < 2000; i++) {
                    int stream = 1 + 2 * i;
                    client.headers(stream, client.headerBlock("GET", "/", Map.of()), false);
                    client.reset(stream);
                }
            } catch (IOException closedWhileSending) {
                // Expected once the server gave up on this connection.
            }
            List<Frame> frames = client.readUntil(read -> read.stream().anyMatch(f -> f.type() == GOAWAY));
            assertThat(frames).anyMatch(f -> f.type() == GOAWAY);
            assertThat(client.closedByServer()).isTrue();
        }
        assertServesAFreshConnection();
    }

    @Test
    void aForeignAuthorityIsRefusedByTheFrontDoor() throws IOException {
        try (RawHttp2 client = new RawHttp2(port)) {
            client.headers(1, client.headerBlock("GET", "/", Map.of()), true);
            byte[] foreign = client.headerBlock("GET", "/", "evil.example:" + port, Map.of());
            client.headers(3, foreign, true);
            List<Frame> frames = client.readUntil(read -> answerOn(read, 1) != null && answerOn(read, 3) != null);
            assertThat(status(answerOn(frames, 1))).isEqualTo("200");
            assertThat(status(answerOn(frames, 3))).startsWith("4");
        }
    }

    @Test
    void aStalledStreamIsAnswered408AndAnIdleConnectionIsClosed() throws IOException {
        ConnectionLimits quick = new ConnectionLimits(Duration.ofMillis(600), Duration.ofMillis(400), 1000,
                DataSize.ofMegabytes(256));
        try (EngineServer server = new EngineServer(List.of(new S3Route(engine.s3Store)), "127.0.0.1", 0, 2,
                FrontDoor.unsigned("127.0.0.1", Clock.systemUTC()), quick).start();
             RawHttp2 client = new RawHttp2(server.port())) {
            client.headers(1, client.headerBlock("PUT", "/stalled", Map.of("content-length", "10")), false);
            client.frame(DATA, 0, 1, new byte[] {1, 2, 3});
            List<Frame> frames = client.readUntil(read -> answerOn(read, 1) != null);
            assertThat(status(answerOn(frames, 1))).isEqualTo("408");
            assertThat(client.closedByServer()).isTrue();
        }
    }
}
