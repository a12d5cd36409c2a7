package memberstream.engine.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import memberstream.engine.protocol.AwsServiceException;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * The processors of one destination that the engine runs itself: {@code MetadataExtraction} (a jq 1.6
 * query, evaluated with jackson-jq, whose object result gives the partition keys for
 * {@code !{partitionKeyFromQuery:name}}) and {@code AppendDelimiterToRecord} (a newline after each
 * record; without it Firehose concatenates records with nothing between them). Queries run through
 * {@link QueryEvaluator}, at a bounded cost. Immutable; the compiled query is safe to share between
 * threads (each evaluation gets its own child scope).
 */
final class RecordProcessing {

    static final RecordProcessing NONE = new RecordProcessing(null, null, false);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String query;
    private final JsonQuery compiled;
    private final boolean appendDelimiter;

    private RecordProcessing(String query, JsonQuery compiled, boolean appendDelimiter) {
        this.query = query;
        this.compiled = compiled;
        this.appendDelimiter = appendDelimiter;
    }

    /**
     * Reads a {@code ProcessingConfiguration}; unknown or unsupported processors and bad parameters are
     * InvalidArgumentExceptions.
     */
    static RecordProcessing from(JsonNode configuration, boolean dynamicPartitioning) {
        if (configuration == null || configuration.isNull() || !configuration.path("Enabled").asBoolean(false)) {
            return NONE;
        }
        String query = null;
        JsonQuery compiled = null;
        boolean appendDelimiter = false;
        for (JsonNode processor : configuration.path("Processors")) {
            String type = processor.path("Type").asText("");
            Map<String, String> parameters = new TreeMap<>();
            for (JsonNode parameter : processor.path("Parameters")) {
                parameters.put(parameter.path("ParameterName").asText(), parameter.path("ParameterValue").asText());
            }
            switch (type) {
                case "AppendDelimiterToRecord" -> appendDelimiter = true;
                case "MetadataExtraction" -> {
                    if (!dynamicPartitioning) {
                        throw invalid("The MetadataExtraction processor can only be used when dynamic partitioning is enabled.");
                    }
                    String engine = parameters.getOrDefault("JsonParsingEngine", "JQ-1.6");
                    if (!engine.equals("JQ-1.6")) {
                        throw invalid("Unsupported JsonParsingEngine " + engine + "; the supported engine is JQ-1.6.");
                    }
                    query = parameters.get("MetadataExtractionQuery");
                    if (query == null || query.isBlank()) {
                        throw invalid("The MetadataExtraction processor requires the MetadataExtractionQuery parameter.");
                    }
                    try {
                        compiled = JsonQuery.compile(query, Versions.JQ_1_6);
                    } catch (JsonQueryException | RuntimeException e) {
                        throw invalid("Invalid MetadataExtractionQuery '" + query + "': " + e.getMessage());
                    } catch (StackOverflowError e) {
                        throw invalid("Invalid MetadataExtractionQuery: it nests deeper than the engine allows.");
                    }
                }
                case "Lambda", "RecordDeAggregation", "Decompression", "CloudWatchLogProcessing" ->
                        throw invalid("Processor type " + type + " is not supported by the local engine; supported types "
                                + "are AppendDelimiterToRecord and MetadataExtraction.");
                default -> throw invalid("Invalid processor type " + type + ".");
            }
        }
        return new RecordProcessing(query, compiled, appendDelimiter);
    }

    private static AwsServiceException invalid(String message) {
        return FirehoseError.INVALID_ARGUMENT.exception(message);
    }

    boolean appendDelimiter() {
        return appendDelimiter;
    }

    boolean extractsMetadata() {
        return compiled != null;
    }

    /** Partition keys of a record, or the reason they could not be extracted. */
    record Extraction(Map<String, String> keys, String error) {
        boolean failed() {
            return error != null;
        }
    }

    /**
     * Runs the metadata query on a record and checks it yields every key the prefix needs. Never throws:
     * a query that runs out of time, steps or stack fails the record. {@code batch} is shared by the
     * records of one request, so that a query that keeps timing out is not run on all of them.
     */
    Extraction extract(byte[] data, Iterable<String> requiredKeys, QueryEvaluator.Batch batch) {
        JsonNode input;
        try {
            input = JSON.readTree(data);
        } catch (IOException | RuntimeException e) {
            return new Extraction(Map.of(), "Non JSON record provided");
        }
        if (input == null || input.isMissingNode()) {
            return new Extraction(Map.of(), "Non JSON record provided");
        }
        QueryEvaluator.Outcome outcome = QueryEvaluator.evaluate(compiled, input, batch);
        if (outcome.failure() != null) {
            return new Extraction(Map.of(), "Failed to execute the MetadataExtractionQuery " + query + ": " + outcome.failure());
        }
        List<JsonNode> results = outcome.results();
        if (results.size() != 1 || !results.get(0).isObject()) {
            return new Extraction(Map.of(), "The MetadataExtractionQuery " + query + " did not produce one JSON object");
        }
        Map<String, String> keys = new TreeMap<>();
        JsonNode object = results.get(0);
        for (String name : requiredKeys) {
            JsonNode value = object.get(name);
            if (value == null || value.isNull() || value.isMissingNode()) {
                return new Extraction(Map.of(), "The partition key " + name + " is null or missing in the query result");
            }
            if (value.isContainerNode()) {
                return new Extraction(Map.of(), "The partition key " + name + " is not a scalar value");
            }
            keys.put(name, value.asText());
        }
        return new Extraction(keys, null);
    }
}
