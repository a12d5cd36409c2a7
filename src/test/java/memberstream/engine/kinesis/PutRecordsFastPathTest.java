package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.WireCodec;
import memberstream.engine.protocol.WireFormat;
import org.junit.jupiter.api.Test;

/** The PutRecords shortcut takes exactly the valid requests and leaves everything else to the general path. */
class PutRecordsFastPathTest {

    final List<KinesisStore.Pending> stored = new ArrayList<>();
    final PutRecordsFastPath fastPath = new PutRecordsFastPath(new WireCodec(), (name, records) -> {
        stored.addAll(records);
        return "stored in " + name;
    });

    @Test
    void takesValidJsonAndCbor() throws Exception {
        String json = "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\"},"
                + "{\"Data\":\"\",\"PartitionKey\":\"k2\",\"ExplicitHashKey\":\"0\"}]}";
        assertThat(fastPath.tryAnswer(json.getBytes(StandardCharsets.UTF_8), WireFormat.JSON, "us-east-1", "id")).isEqualTo("stored in s");
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0).data()).containsExactly(1, 2, 3);
        assertThat(stored.get(0).hashKey()).isEqualTo(HashKey.ofPartitionKey("k"));
        assertThat(stored.get(1).hashKey()).isEqualTo(HashKey.MIN);

        byte[] cbor = new ObjectMapper(new CBORFactory()).writeValueAsBytes(Map.of("StreamName", "s",
                "Records", List.of(Map.of("Data", new byte[] {9}, "PartitionKey", "k"))));
        assertThat(fastPath.tryAnswer(cbor, WireFormat.CBOR, "us-east-1", "id")).isEqualTo("stored in s");
        assertThat(stored.get(2).data()).containsExactly(9);
    }

    @Test
    void declinesWhatTheGeneralPathMustWord() {
        List<String> declined = List.of(
                "{\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"bad name\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"" + "k".repeat(257) + "\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"!!!!\",\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\",\"ExplicitHashKey\":\"-1\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\",\"Extra\":1}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":5,\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\"}",
                "[1,2]");
        for (String body : declined) {
            assertThat(fastPath.tryAnswer(body.getBytes(StandardCharsets.UTF_8), WireFormat.JSON, "us-east-1", "id"))
                    .as(body).isNull();
        }
        StringBuilder tooMany = new StringBuilder("{\"StreamName\":\"s\",\"Records\":[");
        for (int i = 0; i < 501; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"Data\":\"AQID\",\"PartitionKey\":\"k\"}");
        }
        assertThat(fastPath.tryAnswer(tooMany.append("]}").toString().getBytes(StandardCharsets.UTF_8), WireFormat.JSON, "r", "i")).isNull();
        assertThat(stored).isEmpty();
    }
}
