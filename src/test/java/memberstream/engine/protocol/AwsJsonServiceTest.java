package memberstream.engine.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.EngineServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The front door and the JSON protocol half, through a tiny service over real HTTP. */
class AwsJsonServiceTest {

    static final class EchoService extends AwsJsonService {
        EchoService() {
            super("Echo_20200101.", "us-east-1");
            register("Echo", List.of(
                    FieldRule.string("Name").required().length(1, 5).pattern("[a-z]+"),
                    FieldRule.integer("Count").range(1, 10),
                    FieldRule.blob("Data").length(0, 4)), call -> {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("Name", call.string("Name"));
                answer.put("Data", call.blob("Data"));
                answer.put("At", Instant.ofEpochMilli(1506440188749L));
                answer.put("Region", call.region());
                return answer;
            });
            register("Boom", List.of(), call -> {
                throw new IllegalStateException("a bug");
            });
        }
    }

    static EngineServer server;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();
    static final ObjectMapper cbor = new ObjectMapper(new CBORFactory());

    @BeforeAll
    static void start() {
        // This tests the JSON protocol layer with hand-made raw requests, so the front door takes them unsigned;
        // signatures have their own tests (SignedRequestsTest).
        server = new EngineServer(List.of(new EchoService()), "127.0.0.1", 0, 4,
                FrontDoor.unsigned("127.0.0.1", java.time.Clock.systemUTC())).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> post(String target, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", contentType)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/echo/aws4_request, SignedHeaders=host, Signature=x");
        if (target != null) {
            request.header("X-Amz-Target", target);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void answersJsonWithSecondsAndCborWithMillis() throws Exception {
        HttpResponse<byte[]> jsonAnswer = post("Echo_20200101.Echo", "application/x-amz-json-1.1",
                "{\"Name\":\"abc\",\"Data\":\"AQID\"}".getBytes());
        assertThat(jsonAnswer.statusCode()).isEqualTo(200);
        assertThat(jsonAnswer.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
        assertThat(jsonAnswer.headers().firstValue("x-amzn-RequestId")).isPresent();
        JsonNode parsed = json.readTree(jsonAnswer.body());
        assertThat(parsed.get("At").decimalValue().toPlainString()).isEqualTo("1506440188.749");
        assertThat(parsed.get("Data").asText()).isEqualTo("AQID");
        assertThat(parsed.get("Region").asText()).isEqualTo("eu-west-1");

        byte[] cborBody = cbor.writeValueAsBytes(Map.of("Name", "abc", "Data", new byte[] {1, 2, 3}));
        HttpResponse<byte[]> cborAnswer = post("Echo_20200101.Echo", "application/x-amz-cbor-1.1", cborBody);
        assertThat(cborAnswer.statusCode()).isEqualTo(200);
        assertThat(cborAnswer.headers().firstValue("Content-Type")).hasValue("application/x-amz-cbor-1.1");
        JsonNode cborParsed = cbor.readTree(cborAnswer.body());
        assertThat(cborParsed.get("At").asLong()).isEqualTo(1506440188749L);
        assertThat(cborParsed.get("Data").binaryValue()).containsExactly(1, 2, 3);
        // the timestamp carries CBOR tag 1 (0xc1) right before its integer
        assertThat(indexOf(cborAnswer.body(), new byte[] {(byte) 0xc1, 0x1b})).isPositive();
    }

    @Test
    void validationErrorsAreWordedAsAws() throws Exception {
        HttpResponse<byte[]> answer = post("Echo_20200101.Echo", "application/x-amz-json-1.1",
                "{\"Count\":11,\"Data\":\"AQIDBAU=\"}".getBytes());
        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode error = json.readTree(answer.body());
        assertThat(error.get("__type").asText()).isEqualTo("ValidationException");
        assertThat(error.get("message").asText()).isEqualTo("3 validation errors detected: "
                + "Value null at 'name' failed to satisfy constraint: Member must not be null; "
                + "Value '11' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10; "
                + "Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 4");
    }

    @Test
    void clientMistakesAre4xxInAwsShape() throws Exception {
        assertError(post("Echo_20200101.Nope", "application/x-amz-json-1.1", "{}".getBytes()), 400, "UnknownOperationException");
        assertError(post("Echo_20200101.Echo", "application/x-amz-json-1.1", "{\"Name\":".getBytes()), 400, "SerializationException");
        assertError(post("Echo_20200101.Echo", "application/x-amz-json-1.1", "[1]".getBytes()), 400, "SerializationException");
        assertError(post("Echo_20200101.Echo", "application/x-amz-json-1.1", "{\"Name\":5}".getBytes()), 400, "SerializationException");
        assertError(post("Echo_20200101.Echo", "application/x-amz-json-1.1", "{\"Name\":\"ab\",\"Data\":\"!!!!\"}".getBytes()), 400, "SerializationException");
        assertError(post("Echo_20200101.Echo", "application/x-amz-cbor-1.1", new byte[] {(byte) 0xbf, 0x61}), 400, "SerializationException");
        assertError(post("Other_1.Echo", "application/x-amz-json-1.1", "{}".getBytes()), 400, "UnknownOperationException");
        assertError(post("Echo_20200101.Echo", "application/x-amz-json-1.1", new byte[EngineServer.MAX_REQUEST_BYTES + 1]), 413, "RequestEntityTooLargeException");
    }

    @Test
    void theAnswerToARefusedOversizedBodyIsNotLostToAConnectionReset() throws Exception {
        // The 413 goes out while the client is still sending; closing then would reset the connection
        // and lose the answer now and then (12 in 200 before the server drained the body first).
        for (int i = 0; i < 20; i++) {
            assertError(post("Echo_20200101.Echo", "application/x-amz-json-1.1", new byte[EngineServer.MAX_REQUEST_BYTES + 1]),
                    413, "RequestEntityTooLargeException");
        }
    }

    @Test
    void aBugIsAnInternalFailureNotACrash() throws Exception {
        assertError(post("Echo_20200101.Boom", "application/x-amz-json-1.1", "{}".getBytes()), 500, "InternalFailure");
        assertThat(post("Echo_20200101.Echo", "application/x-amz-json-1.1", "{\"Name\":\"ok\"}".getBytes()).statusCode()).isEqualTo(200);
    }

    private static void assertError(HttpResponse<byte[]> answer, int status, String type) throws Exception {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.headers().firstValue("x-amzn-RequestId")).isPresent();
        ObjectMapper mapper = answer.headers().firstValue("Content-Type").orElse("").contains("cbor") ? cbor : json;
        assertThat(mapper.readTree(answer.body()).get("__type").asText()).isEqualTo(type);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
