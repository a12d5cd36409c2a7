package memberstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.EngineRoute;
import memberstream.engine.protocol.FrontDoor;
import memberstream.engine.protocol.ResponseStreamSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streamed responses ({@link EngineResponse#streamed}) written over time by a tiny test route, over HTTP/1.1 and HTTP/2. */
class StreamedResponseTest {

    /** Streams "chunk-0".."chunk-4", one line each; waits for {@link #proceed} before the last one. */
    static final class TickRoute implements EngineRoute {
        final CountDownLatch proceed = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicReference<ResponseStreamSink> sink = new AtomicReference<>();

        @Override
        public boolean accepts(EngineRequest request) {
            return true;
        }

        @Override
        public EngineResponse handle(EngineRequest request) {
            if (!request.path().equals("/stream")) {
                return new EngineResponse(200, Map.of("content-type", "text/plain"), "plain".getBytes(StandardCharsets.UTF_8));
            }
            return EngineResponse.streamed(200, Map.of("content-type", "text/plain"), out -> {
                sink.set(out);
                out.onClose(closed::countDown);
                Thread producer = new Thread(() -> {
                    try {
                        if (request.rawQuery() != null) {
                            out.send("chunk-0\n".getBytes(StandardCharsets.UTF_8));
                            return;
                        }
                        for (int i = 0; i < 5 && out.isOpen(); i++) {
                            if (i == 4 && !proceed.await(10, TimeUnit.SECONDS)) {
                                return;
                            }
                            out.send(("chunk-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                        out.end();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "test-producer");
                producer.start();
            });
        }
    }

    private final TickRoute route = new TickRoute();
    private EngineServer server;

    @BeforeEach
    void start() {
        server = new EngineServer(List.of(route), "127.0.0.1", 0, 2, FrontDoor.unsigned("127.0.0.1", Clock.systemUTC()),
                ConnectionLimits.defaults()).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpRequest get(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build();
    }

    static HttpClient http1() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void chunksArriveBeforeTheBodyEndsAndTheConnectionServesTheNextRequest() throws Exception {
        HttpClient client = http1();
        {
            HttpResponse<InputStream> response = client.send(get("/stream"), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
            assertThat(response.headers().firstValue("content-length")).isEmpty();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (int i = 0; i < 4; i++) {
                    // The producer has not sent chunk-4 yet: these came while the response was still open.
                    assertThat(lines.readLine()).isEqualTo("chunk-" + i);
                }
                assertThat(route.sink.get().isOpen()).isTrue();
                route.proceed.countDown();
                assertThat(lines.readLine()).isEqualTo("chunk-4");
                assertThat(lines.readLine()).isNull();
            }
            assertThat(route.closed.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(route.sink.get().isOpen()).isFalse();

            HttpResponse<String> next = client.send(get("/plain"), HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("plain");
        }
    }

    @Test
    void overHttp2TheChunksArriveAsDataFramesWhileTheStreamIsOpen() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // The first request upgrades the connection (h2c); the streamed one then runs on an HTTP/2 stream.
        assertThat(client.send(get("/plain"), HttpResponse.BodyHandlers.ofString()).version())
                .isEqualTo(HttpClient.Version.HTTP_2);
        HttpResponse<InputStream> response = client.send(get("/stream"), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.headers().firstValue("transfer-encoding")).isEmpty();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 4; i++) {
                assertThat(lines.readLine()).isEqualTo("chunk-" + i);
            }
            assertThat(route.sink.get().isOpen()).isTrue();
            route.proceed.countDown();
            assertThat(lines.readLine()).isEqualTo("chunk-4");
            assertThat(lines.readLine()).isNull();
        }
        assertThat(route.closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(server.http2Connections()).isEqualTo(1);
    }

    @Test
    void aClientThatGoesAwayClosesTheSink() throws Exception {
        // With a query the producer never ends the body: only the client leaving can close the sink.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET /stream?forever HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader lines = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(lines.readLine()).isEqualTo("HTTP/1.1 200 OK");
            String line;
            boolean chunked = false;
            while (!(line = lines.readLine()).isEmpty()) {
                chunked |= line.equalsIgnoreCase("transfer-encoding: chunked");
            }
            assertThat(chunked).isTrue();
            assertThat(lines.readLine()).isEqualTo("8");
            assertThat(lines.readLine()).isEqualTo("chunk-0");
            assertThat(route.sink.get().isOpen()).isTrue();
        }
        assertThat(route.closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(route.sink.get().isOpen()).isFalse();
        route.sink.get().send("ignored".getBytes(StandardCharsets.UTF_8));
        CountDownLatch late = new CountDownLatch(1);
        route.sink.get().onClose(late::countDown);
        assertThat(late.getCount()).isZero();
    }
}
