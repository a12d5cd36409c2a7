package memberstream.live.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Kinesis endpoint without enhanced fan-out, for tests: a real HTTP/1.1 server on 127.0.0.1 (port 0)
 * that forwards every call to the engine except the fan-out operations, which it answers as kinesalite
 * does (it has none of them): HTTP 400 with {@code __type} {@code UnknownOperationException}, in JSON
 * ({@code application/x-amz-json-1.1}) or CBOR ({@code application/x-amz-cbor-1.1}) as the request was.
 * The forwarded call carries another Host than the one signed, so the engine behind must not check
 * signatures. Counts the calls by operation. Thread-safe.
 */
final class EndpointWithoutFanOut implements AutoCloseable {

    static final Set<String> FAN_OUT_OPERATIONS = Set.of("RegisterStreamConsumer", "DescribeStreamConsumer",
            "ListStreamConsumers", "DeregisterStreamConsumer", "SubscribeToShard");
    /** Headers java.net.http sets itself (or refuses), or that describe the hop rather than the message. */
    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "date");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private final URI engine;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();

    EndpointWithoutFanOut(URI engine) throws IOException {
        this.engine = engine;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Calls of {@code operation} forwarded to the engine. */
    int forwarded(String operation) {
        return forwarded.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** Calls of {@code operation} answered "unknown operation". */
    int refused(String operation) {
        return refused.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** Every call this endpoint answered, forwarded or refused. */
    int calls() {
        return forwarded.values().stream().mapToInt(AtomicInteger::get).sum()
                + refused.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
            if (FAN_OUT_OPERATIONS.contains(operation)) {
                refused.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
                unknownOperation(exchange);
            } else {
                forwarded.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
                forward(exchange, body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void unknownOperation(HttpExchange exchange) throws IOException {
        String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        boolean cbor = contentType.contains("cbor");
        Map<String, String> error = Map.of("__type", "UnknownOperationException");
        byte[] answer = cbor ? CBOR.writeValueAsBytes(error) : JSON.writeValueAsString(error).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(400, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(engine.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        answer.headers().map().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, List.copyOf(values));
            }
        });
        byte[] bytes = answer.body();
        exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
