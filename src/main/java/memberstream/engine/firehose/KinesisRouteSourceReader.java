package memberstream.engine.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.EngineRoute;

/**
 * Reads the engine's own Kinesis streams through the Kinesis route's public API, in process: ListShards,
 * GetShardIterator (AFTER_SEQUENCE_NUMBER from the saved position, AT_TIMESTAMP for a shard never read)
 * and one GetRecords per shard and poll. Going through the API keeps Firehose a Kinesis consumer like any
 * other (its reads count against the shard's read limits, as on AWS) and needs nothing of Kinesis's
 * internals. Stateless; thread-safe if the route is.
 */
public final class KinesisRouteSourceReader implements KinesisSourceReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "Kinesis_20131202.";

    private final EngineRoute kinesis;

    public KinesisRouteSourceReader(EngineRoute kinesis) {
        this.kinesis = kinesis;
    }

    @Override
    public boolean exists(String streamArn) {
        ObjectNode body = JSON.createObjectNode().put("StreamName", streamName(streamArn));
        return call("DescribeStreamSummary", body).status() == 200;
    }

    @Override
    public List<SourceRecord> read(String streamArn, Map<String, String> positions, long startMillis, int maxRecords) {
        String stream = streamName(streamArn);
        List<SourceRecord> records = new ArrayList<>();
        for (JsonNode shard : listShards(stream)) {
            if (records.size() >= maxRecords) {
                break;
            }
            String shardId = shard.path("ShardId").asText();
            String position = positions.get(shardId);
            String ending = shard.path("SequenceNumberRange").path("EndingSequenceNumber").asText(null);
            if (position != null && position.equals(ending)) {
                continue; // a closed shard read to its end
            }
            ObjectNode iteratorRequest = JSON.createObjectNode().put("StreamName", stream).put("ShardId", shardId);
            if (position != null) {
                iteratorRequest.put("ShardIteratorType", "AFTER_SEQUENCE_NUMBER").put("StartingSequenceNumber", position);
            } else {
                iteratorRequest.put("ShardIteratorType", "AT_TIMESTAMP")
                        .put("Timestamp", BigDecimal.valueOf(startMillis, 3));
            }
            JsonNode iterator = answer("GetShardIterator", iteratorRequest);
            if (iterator == null) {
                continue;
            }
            ObjectNode getRecords = JSON.createObjectNode().put("ShardIterator", iterator.path("ShardIterator").asText())
                    .put("Limit", Math.min(10_000, maxRecords - records.size()));
            JsonNode answer = answer("GetRecords", getRecords);
            if (answer == null) {
                continue; // throttled or gone: the next poll tries again
            }
            for (JsonNode record : answer.path("Records")) {
                long arrival = record.path("ApproximateArrivalTimestamp").decimalValue().movePointRight(3).longValue();
                records.add(new SourceRecord(shardId, record.path("SequenceNumber").asText(), arrival,
                        Base64.getDecoder().decode(record.path("Data").asText())));
            }
        }
        return records;
    }

    private List<JsonNode> listShards(String stream) {
        List<JsonNode> shards = new ArrayList<>();
        ObjectNode request = JSON.createObjectNode().put("StreamName", stream);
        while (true) {
            JsonNode answer = answer("ListShards", request);
            if (answer == null) {
                return shards;
            }
            answer.path("Shards").forEach(shards::add);
            String next = answer.path("NextToken").asText(null);
            if (next == null) {
                return shards;
            }
            request = JSON.createObjectNode().put("NextToken", next);
        }
    }

    /** The answer's body, or null for an error answer. */
    private JsonNode answer(String operation, ObjectNode body) {
        EngineResponse response = call(operation, body);
        if (response.status() != 200) {
            return null;
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private EngineResponse call(String operation, ObjectNode body) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/x-amz-json-1.1");
        headers.put("x-amz-target", TARGET + operation);
        try {
            return kinesis.handle(new EngineRequest("POST", "/", null, headers, JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String streamName(String streamArn) {
        int at = streamArn.indexOf(":stream/");
        return at < 0 ? streamArn : streamArn.substring(at + ":stream/".length());
    }
}
