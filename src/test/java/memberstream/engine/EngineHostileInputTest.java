package memberstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import memberstream.engine.protocol.FrontDoor;
import memberstream.engine.s3.S3Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.util.unit.DataSize;
import org.w3c.dom.Document;
import software.amazon.awssdk.core.sync.RequestBody;

/** Each hostile input named in issue 10, one test each, over plain HTTP (the SDKs would refuse to send most). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineHostileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    TestEngine engine;
    HttpClient http;

    @BeforeAll
    void start() {
        engine = new TestEngine("engine-hostile-input", true, false);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (var kinesis = engine.kinesisClient(); var s3 = engine.s3Client()) {
            kinesis.createStream(b -> b.streamName("hostile").shardCount(1));
            s3.createBucket(b -> b.bucket("hostile"));
            s3.putObject(b -> b.bucket("hostile").key("plain"), RequestBody.fromString("x"));
        }
    }

    @AfterAll
    void stop() {
        engine.close();
    }

    private HttpResponse<byte[]> kinesis(String operation, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(engine.endpoint()).timeout(Duration.ofSeconds(10))
                .header("X-Amz-Target", "Kinesis_20131202." + operation).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> kinesisJson(String operation, String json) throws Exception {
        return kinesis(operation, "application/x-amz-json-1.1", json.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> s3(String method, String pathAndQuery, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(engine.endpoint() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** java.net.URI refuses a lone %, so this request line goes over a socket. */
    private HttpResponse<byte[]> rawS3(String requestLine) throws Exception {
        try (Socket socket = connect(engine.server)) {
            socket.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket);
            int status = Integer.parseInt(answer.substring(9, 12));
            byte[] body = answer.substring(answer.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
            return new HttpResponse<>() {
                public int statusCode() { return status; }
                public HttpRequest request() { return null; }
                public java.util.Optional<HttpResponse<byte[]>> previousResponse() { return java.util.Optional.empty(); }
                public java.net.http.HttpHeaders headers() { return java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true); }
                public byte[] body() { return body; }
                public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
                public URI uri() { return null; }
                public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
            };
        }
    }

    private static String type(HttpResponse<byte[]> response) throws IOException {
        return JSON.readTree(response.body()).path("__type").asText();
    }

    private static Document xml(HttpResponse<byte[]> response) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(response.body()));
    }

    @Test
    void aStreamArnOf200000CharactersIsAValidationErrorAnsweredAtOnce() throws Exception {
        String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + "a".repeat(200_000);
        long began = System.nanoTime();
        HttpResponse<byte[]> response = kinesisJson("DescribeStreamSummary", "{\"StreamARN\":\"" + arn + "\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(type(response)).isEqualTo("ValidationException");
        assertThat(JSON.readTree(response.body()).path("message").asText()).contains("length less than or equal to 2048")
                .doesNotContain("regular expression");
        // The pattern once took 37 s on this input; now only the length is checked.
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anArnWithinTheLengthIsCheckedByItsParts() throws Exception {
        HttpResponse<byte[]> response = kinesisJson("DescribeStreamSummary",
                "{\"StreamARN\":\"arn:aws:kinesis:" + ":".repeat(1000) + "stream/x\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(type(response)).isEqualTo("ValidationException");
        assertThat(kinesisJson("DescribeStreamSummary",
                "{\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/hostile\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void aShardCountBeyondAnIntegerIsRefusedNotWrapped() throws Exception {
        HttpResponse<byte[]> response = kinesisJson("CreateStream", "{\"StreamName\":\"wrapped\",\"ShardCount\":18446744073709551617}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(type(response)).isEqualTo("ValidationException");
        assertThat(JSON.readTree(response.body()).path("message").asText()).contains("18446744073709551617");
        assertThat(kinesisJson("DescribeStreamSummary", "{\"StreamName\":\"wrapped\"}").statusCode()).isEqualTo(400);
        assertThat(kinesisJson("CreateStream", "{\"StreamName\":\"wrapped\",\"ShardCount\":1.5}").statusCode()).isEqualTo(400);
        assertThat(kinesisJson("CreateStream", "{\"StreamName\":\"wrapped\",\"ShardCount\":1e400}").statusCode()).isEqualTo(400);
    }

    @Test
    void aBadTimestampIsASerializationError() throws Exception {
        for (String timestamp : List.of("\"yesterday\"", "1e300", "-99999999999999999999")) {
            HttpResponse<byte[]> response = kinesisJson("GetShardIterator", "{\"StreamName\":\"hostile\",\"ShardId\":"
                    + "\"shardId-000000000000\",\"ShardIteratorType\":\"AT_TIMESTAMP\",\"Timestamp\":" + timestamp + "}");
            assertThat(response.statusCode()).as(timestamp).isEqualTo(400);
            assertThat(type(response)).as(timestamp).isEqualTo("SerializationException");
        }
    }

    @Test
    void aLoneSurrogateInCborIsRefusedInCbor() throws Exception {
        byte[] body = CBOR.writeValueAsBytes(JSON.readTree("{\"StreamName\":\"XXXXXX\"}"));
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("XXXXXX");
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80, 'a', 'b', 'c'}; // U+D800 encoded as if it were a character
        System.arraycopy(surrogate, 0, body, at, surrogate.length);
        HttpResponse<byte[]> response = kinesis("DescribeStreamSummary", "application/x-amz-cbor-1.1", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-amz-cbor-1.1");
        JsonNode error = CBOR.readTree(response.body());
        assertThat(error.path("__type").asText()).isEqualTo("SerializationException");
    }

    @Test
    void aPercentSignInAnS3QueryIsAnInvalidUriInXml() throws Exception {
        HttpResponse<byte[]> response = rawS3("GET /hostile?% HTTP/1.1");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(xml(response).getElementsByTagName("Code").item(0).getTextContent()).isEqualTo("InvalidURI");
    }

    @Test
    void maxKeysZeroIsAnEmptyPage() throws Exception {
        HttpResponse<byte[]> response = s3("GET", "/hostile?list-type=2&max-keys=0", new byte[0]);
        assertThat(response.statusCode()).isEqualTo(200);
        Document listing = xml(response);
        assertThat(listing.getElementsByTagName("Contents").getLength()).isZero();
        assertThat(listing.getElementsByTagName("IsTruncated").item(0).getTextContent()).isEqualTo("false");
    }

    @Test
    void aNegativeAwsChunkedSizeIsRefusedInXml() throws Exception {
        HttpResponse<byte[]> response = s3("PUT", "/hostile/chunked",
                "-10;chunk-signature=x\r\nhello\r\n0;chunk-signature=y\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding", "aws-chunked");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(xml(response).getElementsByTagName("Code").item(0).getTextContent()).isEqualTo("InvalidRequest");
        HttpResponse<byte[]> huge = s3("PUT", "/hostile/chunked", "7fffffff;chunk-signature=x\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII),
                "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        assertThat(huge.statusCode()).isEqualTo(400);
    }

    @Test
    void aKeyWithAControlCharacterListsAsUrlEncodedXmlAndIsRefusedOtherwise() throws Exception {
        assertThat(s3("PUT", "/hostile/ctl%01key", "x".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> encoded = s3("GET", "/hostile?list-type=2&encoding-type=url", new byte[0]);
        assertThat(encoded.statusCode()).isEqualTo(200);
        Document listing = xml(encoded);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < listing.getElementsByTagName("Key").getLength(); i++) {
            keys.add(listing.getElementsByTagName("Key").item(i).getTextContent());
        }
        assertThat(keys).contains("ctl%01key", "plain");

        // XML 1.0 cannot hold U+0001 at all; without url encoding the listing is XML 1.1, which can (as &#1;).
        HttpResponse<byte[]> plain = s3("GET", "/hostile?list-type=2", new byte[0]);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(new String(plain.body(), StandardCharsets.UTF_8)).startsWith("<?xml version=\"1.1\"");
        Document parsed = xml(plain);
        List<String> plainKeys = new ArrayList<>();
        for (int i = 0; i < parsed.getElementsByTagName("Key").getLength(); i++) {
            plainKeys.add(parsed.getElementsByTagName("Key").item(i).getTextContent());
        }
        assertThat(plainKeys).contains("ctl\u0001key", "plain");
        assertThat(new String(s3("GET", "/hostile?list-type=2&prefix=plain", new byte[0]).body(), StandardCharsets.UTF_8))
                .startsWith("<?xml version=\"1.0\"");

        try (var s3 = engine.s3Client()) {
            assertThat(s3.listObjectsV2(b -> b.bucket("hostile")).contents()).extracting(o -> o.key()).contains("ctl\u0001key");
        }
        assertThat(s3("DELETE", "/hostile/ctl%01key", new byte[0]).statusCode()).isEqualTo(204);
    }

    @Test
    void anUnknownJsonOperationOfAnUnknownServiceIsAnsweredInCborWhenAskedInCbor() throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(engine.endpoint()).timeout(Duration.ofSeconds(10))
                .header("X-Amz-Target", "DynamoDB_20120810.GetItem").header("Content-Type", "application/x-amz-cbor-1.1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xA0})).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(CBOR.readTree(response.body()).path("__type").asText()).isEqualTo("UnknownOperationException");
    }

    // ------------------------------------------------------------------ connections

    private EngineServer limitedServer(ConnectionLimits limits) {
        return new EngineServer(List.of(new S3Route(engine.s3Store)), "127.0.0.1", 0, 2,
                FrontDoor.unsigned("127.0.0.1", Clock.systemUTC()), limits).start();
    }

    private static Socket connect(EngineServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String readAll(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (EngineServer server = limitedServer(new ConnectionLimits(Duration.ofMillis(300), Duration.ofSeconds(5), 10,
                DataSize.ofMegabytes(16))); Socket socket = connect(server)) {
            assertThat(readAll(socket)).isEmpty(); // returns once the engine closes the connection
        }
    }

    @Test
    void aRequestThatStopsArrivingIsAnswered408InItsProtocolAndClosed() throws Exception {
        try (EngineServer server = limitedServer(new ConnectionLimits(Duration.ofMinutes(1), Duration.ofMillis(300), 10,
                DataSize.ofMegabytes(16))); Socket socket = connect(server)) {
            OutputStream out = socket.getOutputStream();
            out.write("PUT /hostile/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nonly a part".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(socket);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("<Code>RequestTimeout</Code>");
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosed() throws Exception {
        try (EngineServer server = limitedServer(new ConnectionLimits(Duration.ofMinutes(1), Duration.ofMinutes(1), 2,
                DataSize.ofMegabytes(16)));
             Socket first = connect(server); Socket second = connect(server)) {
            // Each connection is counted on its own event loop: wait for both before the one too many.
            memberstream.Eventually.within(java.time.Duration.ofSeconds(10), "two connections counted",
                    () -> server.openConnections() == 2);
            try (Socket third = connect(server)) {
                assertThat(readAll(third)).isEmpty();
            }
            OutputStream out = first.getOutputStream();
            out.write("GET /hostile/plain HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(first)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void bodiesStillArrivingCannotHoldMoreThanTheBudget() throws Exception {
        try (EngineServer server = limitedServer(new ConnectionLimits(Duration.ofMinutes(1), Duration.ofMinutes(1), 10,
                DataSize.ofMegabytes(1))); Socket socket = connect(server); Socket other = connect(server)) {
            OutputStream out = socket.getOutputStream();
            out.write("PUT /hostile/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            try {
                for (int i = 0; i < 24; i++) {
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException closedWhileSending) {
                // the engine refused and closed: expected
            }
            String answer = readAll(socket);
            assertThat(answer).startsWith("HTTP/1.1 503").contains("<Code>SlowDown</Code>");
            // The budget is released with the connection: another request goes through.
            OutputStream next = other.getOutputStream();
            next.write("GET /hostile/plain HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(other)).startsWith("HTTP/1.1 200");
        }
    }
}
