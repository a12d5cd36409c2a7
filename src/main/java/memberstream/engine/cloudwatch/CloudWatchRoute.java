package memberstream.engine.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.LinkedHashMap;
import java.util.UUID;
import memberstream.engine.protocol.AwsServiceException;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.EngineRoute;
import org.springframework.core.Ordered;

/**
 * CloudWatch's PutMetricData, the one call KCL makes, and the reads ListMetrics and GetMetricData
 * ({@link MetricQueries}), in the three protocols clients use: Smithy RPC v2
 * CBOR ({@code POST /service/GraniteServiceVersion20100801/operation/PutMetricData}, what the AWS SDK for
 * Java 2.57 sends), AWS JSON 1.0 ({@code X-Amz-Target: GraniteServiceVersion20100801.PutMetricData}) and
 * the query protocol (a form with {@code Action=PutMetricData}, what older SDKs send); answers are written
 * by {@link AnswerWriter}. The datapoints go
 * to a {@link MetricStore}; nothing is written to disk. Other CloudWatch operations answer a clear
 * "not supported" 400 in the caller's protocol. Ordered ahead of S3, which takes every request without a
 * target. Thread-safe (no state of its own).
 */
public final class CloudWatchRoute implements EngineRoute, Ordered {

    public static final String SERVICE = "GraniteServiceVersion20100801";
    private static final String RPC_PATH = "/service/" + SERVICE + "/operation/";
    private static final String QUERY_NAMESPACE = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    private static final int MAX_DATUMS = 1000;
    private static final int MAX_DIMENSIONS = 30;
    private static final int MAX_VALUES = 150;

    private enum Protocol { CBOR, JSON, QUERY }

    private final MetricStore store;
    private final MetricQueries queries;
    private final Clock clock;
    private final ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    private final ObjectMapper json = new ObjectMapper();

    public CloudWatchRoute(MetricStore store, Clock clock) {
        this.store = store;
        this.queries = new MetricQueries(store);
        this.clock = clock;
    }

    public MetricStore store() {
        return store;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public boolean accepts(EngineRequest request) {
        String target = request.target();
        if (target != null) {
            return target.startsWith(SERVICE + ".");
        }
        String path = request.path();
        if (path.startsWith("/service/" + SERVICE + "/")) {
            return true;
        }
        String type = request.header("content-type");
        return "POST".equals(request.method()) && "/".equals(path) && type != null
                && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    @Override
    public EngineResponse handle(EngineRequest request) {
        String requestId = UUID.randomUUID().toString();
        Protocol protocol = request.target() != null ? Protocol.JSON
                : request.path().startsWith("/service/") ? Protocol.CBOR : Protocol.QUERY;
        try {
            if (!"POST".equals(request.method())) {
                throw CloudWatchError.INVALID_ACTION.exception("CloudWatch operations are POST requests.");
            }
            String operation;
            ObjectNode body;
            switch (protocol) {
                case CBOR -> {
                    operation = request.path().startsWith(RPC_PATH) ? request.path().substring(RPC_PATH.length()) : "";
                    body = parse(cbor, request.body());
                }
                case JSON -> {
                    operation = request.target().substring(SERVICE.length() + 1);
                    body = parse(json, request.body());
                }
                default -> {
                    Map<String, String> form = form(new String(request.body(), StandardCharsets.UTF_8));
                    operation = form.getOrDefault("Action", "");
                    body = fromForm(form);
                }
            }
            Map<String, Object> answer = switch (operation) {
                case "PutMetricData" -> {
                    putMetricData(body);
                    yield Map.of();
                }
                case "ListMetrics" -> queries.listMetrics(body);
                case "GetMetricData" -> queries.getMetricData(body);
                default -> throw CloudWatchError.UNKNOWN_OPERATION.exception("The CloudWatch operation " + clip(operation)
                        + " is not supported by this engine; only PutMetricData, ListMetrics and GetMetricData are.");
            };
            return success(protocol, operation, answer, requestId);
        } catch (AwsServiceException e) {
            return failure(protocol, (CloudWatchError) e.code(), e.getMessage(), requestId);
        }
    }

    private ObjectNode parse(ObjectMapper mapper, byte[] bytes) {
        if (bytes.length == 0) {
            return json.createObjectNode();
        }
        try {
            JsonNode tree = mapper.readTree(bytes);
            if (tree instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException | RuntimeException e) {
            // answered below
        }
        throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The request body is not a valid structure.");
    }

    private void putMetricData(ObjectNode body) {
        String namespace = body.path("Namespace").asText(null);
        if (namespace == null || namespace.isEmpty()) {
            throw CloudWatchError.MISSING_PARAMETER.exception("The parameter Namespace is required.");
        }
        if (namespace.length() > 255 || namespace.startsWith("AWS/") || namespace.chars().anyMatch(c -> c < 32 || c == ':')) {
            throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The value " + clip(namespace) + " for parameter Namespace is invalid.");
        }
        JsonNode data = body.path("MetricData");
        if (!data.isArray() || data.isEmpty()) {
            throw CloudWatchError.MISSING_PARAMETER.exception("The parameter MetricData is required.");
        }
        if (data.size() > MAX_DATUMS) {
            throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The collection MetricData must not have a size greater than "
                    + MAX_DATUMS + ".");
        }
        int index = 1;
        Instant now = clock.instant();
        for (JsonNode datum : data) {
            String prefix = "MetricData.member." + index++;
            String name = datum.path("MetricName").asText("");
            if (name.isEmpty() || name.length() > 255) {
                throw CloudWatchError.MISSING_PARAMETER.exception("The parameter " + prefix + ".MetricName is required.");
            }
            TreeMap<String, String> dimensions = new TreeMap<>();
            JsonNode given = datum.path("Dimensions");
            if (given.size() > MAX_DIMENSIONS) {
                throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The collection " + prefix + ".Dimensions must not have a size "
                        + "greater than " + MAX_DIMENSIONS + ".");
            }
            for (JsonNode dimension : given) {
                String key = dimension.path("Name").asText("");
                String value = dimension.path("Value").asText("");
                if (key.isEmpty() || key.length() > 255 || value.isEmpty() || value.length() > 1024) {
                    throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The dimension " + clip(key) + " in " + prefix
                            + " must have a name of 1 to 255 and a value of 1 to 1024 characters.");
                }
                dimensions.put(key, value);
            }
            if (datum.path("Values").size() > MAX_VALUES) {
                throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The collection " + prefix + ".Values must not have a size "
                        + "greater than " + MAX_VALUES + ".");
            }
            JsonNode stats = datum.get("StatisticValues");
            boolean hasValue = datum.has("Value") || datum.has("Values");
            if (hasValue && stats != null) {
                throw CloudWatchError.INVALID_PARAMETER_COMBINATION.exception("The parameters " + prefix + ".Value and " + prefix
                        + ".StatisticValues are mutually exclusive and you have specified both.");
            }
            Instant timestamp = timestamp(datum.get("Timestamp"), now, prefix);
            String unit = datum.path("Unit").asText(null);
            MetricStore.Metric metric = new MetricStore.Metric(namespace, name, dimensions);
            if (stats != null) {
                store.add(metric, new MetricStore.Datapoint(timestamp, Double.NaN, number(stats, "SampleCount"), number(stats, "Sum"),
                        number(stats, "Minimum"), number(stats, "Maximum"), unit));
            } else if (datum.has("Values")) {
                for (JsonNode value : datum.get("Values")) {
                    store.add(metric, new MetricStore.Datapoint(timestamp, value.asDouble(), Double.NaN, Double.NaN, Double.NaN,
                            Double.NaN, unit));
                }
            } else {
                double value = datum.path("Value").asDouble(0);
                store.add(metric, new MetricStore.Datapoint(timestamp, value, Double.NaN, Double.NaN, Double.NaN, Double.NaN, unit));
            }
        }
    }

    private static double number(JsonNode node, String member) {
        JsonNode value = node.get(member);
        return value == null ? Double.NaN : value.asDouble();
    }

    private static Instant timestamp(JsonNode node, Instant now, String prefix) {
        if (node == null || node.isNull()) {
            return now;
        }
        try {
            if (node.isNumber()) {
                return Instant.ofEpochMilli((long) (node.asDouble() * 1000));
            }
            return Instant.parse(node.asText());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The parameter " + prefix + ".Timestamp must be an ISO 8601 time.");
        }
    }

    /** Turns {@code MetricData.member.1.Dimensions.member.2.Name=x} into nested objects and arrays. */
    private ObjectNode fromForm(Map<String, String> form) {
        ObjectNode root = json.createObjectNode();
        for (Map.Entry<String, String> entry : form.entrySet()) {
            String[] parts = entry.getKey().split("\\.", 16);
            JsonNode current = root;
            for (int i = 0; i < parts.length; i++) {
                boolean last = i == parts.length - 1;
                String part = parts[i];
                if (current instanceof ObjectNode object) {
                    if (last) {
                        object.put(part, entry.getValue());
                    } else if (i + 1 < parts.length && "member".equals(parts[i + 1])) {
                        current = object.has(part) && object.get(part).isArray() ? object.get(part) : object.putArray(part);
                        i++;
                    } else {
                        current = object.has(part) && object.get(part).isObject() ? object.get(part) : object.putObject(part);
                    }
                } else if (current instanceof ArrayNode array) {
                    int position;
                    try {
                        position = Integer.parseInt(part);
                    } catch (NumberFormatException e) {
                        throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The parameter " + clip(entry.getKey()) + " is not valid.");
                    }
                    if (position < 1 || position > MAX_DATUMS) {
                        throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The parameter " + clip(entry.getKey()) + " is not valid.");
                    }
                    while (array.size() < position) {
                        array.addObject();
                    }
                    if (last) {
                        array.set(position - 1, json.getNodeFactory().textNode(entry.getValue()));
                    } else {
                        current = array.get(position - 1);
                    }
                }
            }
        }
        return root;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&", 20_000)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                form.put(key, value);
            } catch (IllegalArgumentException e) {
                throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The request body is not a valid form.");
            }
        }
        return form;
    }

    private EngineResponse success(Protocol protocol, String operation, Map<String, Object> answer, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amzn-RequestId", requestId);
        return switch (protocol) {
            case CBOR -> {
                headers.put("Content-Type", "application/cbor");
                headers.put("smithy-protocol", "rpc-v2-cbor");
                yield new EngineResponse(200, headers, AnswerWriter.cbor(answer));
            }
            case JSON -> {
                headers.put("Content-Type", "application/x-amz-json-1.0");
                yield new EngineResponse(200, headers, AnswerWriter.json(answer));
            }
            default -> {
                headers.put("Content-Type", "text/xml");
                String xml = AnswerWriter.xml(operation, answer, QUERY_NAMESPACE, requestId);
                yield new EngineResponse(200, headers, xml.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    private EngineResponse failure(Protocol protocol, CloudWatchError error, String message, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amzn-RequestId", requestId);
        headers.put("x-amzn-query-error", error.queryCode() + ";Sender");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("__type", error.type());
        body.put("message", message);
        try {
            return switch (protocol) {
                case CBOR -> {
                    headers.put("Content-Type", "application/cbor");
                    headers.put("smithy-protocol", "rpc-v2-cbor");
                    yield new EngineResponse(error.httpStatus(), headers, cbor.writeValueAsBytes(body));
                }
                case JSON -> {
                    headers.put("Content-Type", "application/x-amz-json-1.0");
                    headers.put("x-amzn-ErrorType", error.type());
                    yield new EngineResponse(error.httpStatus(), headers, json.writeValueAsBytes(body));
                }
                default -> {
                    headers.put("Content-Type", "text/xml");
                    String xml = "<ErrorResponse xmlns=\"" + QUERY_NAMESPACE + "\"><Error><Type>Sender</Type><Code>" + error.queryCode()
                            + "</Code><Message>" + escape(message) + "</Message></Error><RequestId>" + requestId
                            + "</RequestId></ErrorResponse>";
                    yield new EngineResponse(error.httpStatus(), headers, xml.getBytes(StandardCharsets.UTF_8));
                }
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String clip(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
