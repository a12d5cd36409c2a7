package memberstream.engine.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * CloudWatch's read calls over the {@link MetricStore}: ListMetrics (filters by namespace, name and
 * dimensions; pages of {@link #LIST_PAGE}) and GetMetricData for {@code MetricStat} queries (SampleCount,
 * Sum, Average, Minimum, Maximum over periods; math expressions answer "not supported"). Inputs arrive as
 * a protocol-neutral tree (see {@link CloudWatchRoute}); answers are maps, lists, strings, numbers and
 * {@link Instant}s that the route writes in the caller's protocol. Stateless and thread-safe.
 */
final class MetricQueries {

    static final int LIST_PAGE = 500;
    static final int MAX_QUERIES = 500;
    private static final Set<String> STATS = Set.of("SampleCount", "Sum", "Average", "Minimum", "Maximum");

    private final MetricStore store;

    MetricQueries(MetricStore store) {
        this.store = store;
    }

    Map<String, Object> listMetrics(JsonNode body) {
        String namespace = body.path("Namespace").asText(null);
        String name = body.path("MetricName").asText(null);
        Map<String, String> wanted = new LinkedHashMap<>();
        for (JsonNode filter : body.path("Dimensions")) {
            String key = filter.path("Name").asText("");
            if (key.isEmpty()) {
                throw CloudWatchError.MISSING_PARAMETER.exception("Every dimension filter needs a Name.");
            }
            wanted.put(key, filter.hasNonNull("Value") ? filter.get("Value").asText() : null);
        }
        int skip = 0;
        String token = body.path("NextToken").asText(null);
        if (token != null) {
            try {
                skip = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The NextToken " + token + " is not valid.");
            }
        }
        List<Object> page = new ArrayList<>();
        int matched = 0;
        boolean more = false;
        for (String space : namespace == null ? store.namespaces() : List.of(namespace)) {
            for (MetricStore.Metric metric : store.metrics(space)) {
                if (name != null && !name.equals(metric.name()) || !matches(metric, wanted)) {
                    continue;
                }
                if (matched++ < skip) {
                    continue;
                }
                if (page.size() == LIST_PAGE) {
                    more = true;
                    break;
                }
                page.add(describe(metric));
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Metrics", page);
        if (more) {
            answer.put("NextToken", Integer.toString(skip + LIST_PAGE));
        }
        return answer;
    }

    Map<String, Object> getMetricData(JsonNode body) {
        Instant start = time(body.get("StartTime"), "StartTime");
        Instant end = time(body.get("EndTime"), "EndTime");
        if (!start.isBefore(end)) {
            throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The parameter StartTime must be before EndTime.");
        }
        JsonNode queries = body.path("MetricDataQueries");
        if (!queries.isArray() || queries.isEmpty()) {
            throw CloudWatchError.MISSING_PARAMETER.exception("The parameter MetricDataQueries is required.");
        }
        if (queries.size() > MAX_QUERIES) {
            throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The collection MetricDataQueries must not have a size "
                    + "greater than " + MAX_QUERIES + ".");
        }
        boolean ascending = "TimestampAscending".equals(body.path("ScanBy").asText(""));
        Set<String> ids = new HashSet<>();
        List<Object> results = new ArrayList<>();
        for (JsonNode query : queries) {
            String id = query.path("Id").asText("");
            if (!id.matches("[a-z][a-zA-Z0-9_]{0,254}") || !ids.add(id)) {
                throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The Id " + clip(id) + " must be unique and start "
                        + "with a lowercase letter, followed by letters, digits or underscores.");
            }
            if (query.has("Expression")) {
                throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("Metric math (Expression in query " + id
                        + ") is not supported by this engine; use MetricStat.");
            }
            JsonNode stat = query.path("MetricStat");
            if (stat.isMissingNode()) {
                throw CloudWatchError.MISSING_PARAMETER.exception("The query " + id + " needs a MetricStat.");
            }
            if (query.has("ReturnData") && !query.get("ReturnData").asBoolean(true)) {
                continue;
            }
            results.add(result(id, query.path("Label").asText(null), stat, start, end, ascending));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("MetricDataResults", results);
        answer.put("Messages", List.of());
        return answer;
    }

    private Map<String, Object> result(String id, String label, JsonNode stat, Instant start, Instant end, boolean ascending) {
        JsonNode metricNode = stat.path("Metric");
        String namespace = metricNode.path("Namespace").asText("");
        String name = metricNode.path("MetricName").asText("");
        if (namespace.isEmpty() || name.isEmpty()) {
            throw CloudWatchError.MISSING_PARAMETER.exception("The query " + id + " needs a Metric with Namespace and MetricName.");
        }
        TreeMap<String, String> dimensions = new TreeMap<>();
        for (JsonNode dimension : metricNode.path("Dimensions")) {
            dimensions.put(dimension.path("Name").asText(""), dimension.path("Value").asText(""));
        }
        long period = stat.path("Period").asLong(0);
        if (period < 1) {
            throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The Period of query " + id + " must be at least 1 second.");
        }
        String statistic = stat.path("Stat").asText("");
        if (!STATS.contains(statistic)) {
            throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The Stat " + clip(statistic) + " of query " + id
                    + " is not supported; use one of " + String.join(", ", new TreeSet<>(STATS)) + ".");
        }
        String unit = stat.path("Unit").asText(null);
        TreeMap<Long, double[]> buckets = new TreeMap<>(); // period start (epoch s) -> count, sum, min, max
        for (MetricStore.Datapoint point : store.datapoints(new MetricStore.Metric(namespace, name, dimensions))) {
            if (point.timestamp().isBefore(start) || !point.timestamp().isBefore(end)
                    || unit != null && !unit.equals(point.unit())) {
                continue;
            }
            long bucket = Math.floorDiv(point.timestamp().getEpochSecond(), period) * period;
            double[] sums = buckets.computeIfAbsent(bucket, b -> new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
            boolean single = !Double.isNaN(point.value());
            sums[0] += single ? 1 : orZero(point.sampleCount());
            sums[1] += single ? point.value() : orZero(point.sum());
            sums[2] = Math.min(sums[2], single ? point.value() : Double.isNaN(point.minimum()) ? sums[2] : point.minimum());
            sums[3] = Math.max(sums[3], single ? point.value() : Double.isNaN(point.maximum()) ? sums[3] : point.maximum());
        }
        List<Object> timestamps = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (Map.Entry<Long, double[]> bucket : ascending ? buckets.entrySet() : buckets.descendingMap().entrySet()) {
            double[] s = bucket.getValue();
            timestamps.add(Instant.ofEpochSecond(bucket.getKey()));
            values.add(switch (statistic) {
                case "SampleCount" -> s[0];
                case "Sum" -> s[1];
                case "Average" -> s[0] == 0 ? 0.0 : s[1] / s[0];
                case "Minimum" -> Double.isInfinite(s[2]) ? 0.0 : s[2];
                default -> Double.isInfinite(s[3]) ? 0.0 : s[3];
            });
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("Id", id);
        result.put("Label", label != null ? label : name);
        result.put("Timestamps", timestamps);
        result.put("Values", values);
        result.put("StatusCode", "Complete");
        return result;
    }

    private static boolean matches(MetricStore.Metric metric, Map<String, String> wanted) {
        for (Map.Entry<String, String> filter : wanted.entrySet()) {
            String value = metric.dimensions().get(filter.getKey());
            if (value == null || filter.getValue() != null && !filter.getValue().equals(value)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> describe(MetricStore.Metric metric) {
        List<Object> dimensions = new ArrayList<>();
        metric.dimensions().forEach((key, value) -> {
            Map<String, Object> dimension = new LinkedHashMap<>();
            dimension.put("Name", key);
            dimension.put("Value", value);
            dimensions.add(dimension);
        });
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("Namespace", metric.namespace());
        row.put("MetricName", metric.name());
        row.put("Dimensions", dimensions);
        return row;
    }

    private static Instant time(JsonNode node, String parameter) {
        if (node == null || node.isNull()) {
            throw CloudWatchError.MISSING_PARAMETER.exception("The parameter " + parameter + " is required.");
        }
        try {
            return node.isNumber() ? Instant.ofEpochMilli((long) (node.asDouble() * 1000)) : Instant.parse(node.asText());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw CloudWatchError.INVALID_PARAMETER_VALUE.exception("The parameter " + parameter + " must be an ISO 8601 time.");
        }
    }

    private static double orZero(double value) {
        return Double.isNaN(value) ? 0 : value;
    }

    private static String clip(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
