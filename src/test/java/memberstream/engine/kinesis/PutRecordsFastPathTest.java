package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

    @Test
    void scansPlainJsonInOnePassAsTheTokenReaderWould() {
        Random random = new Random(7);
        StringBuilder json = new StringBuilder(" {\n \"Records\" : [ ");
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] data = new byte[i < 10 ? i : random.nextInt(3000)];
            random.nextBytes(data);
            sent.add(data);
            String base64 = i % 2 == 0 ? Base64.getEncoder().encodeToString(data)
                    : Base64.getEncoder().withoutPadding().encodeToString(data);
            json.append(i == 0 ? "" : " ,\t").append("{\"PartitionKey\":\"key-").append(i).append("\", \"Data\": \"")
                    .append(base64).append('"').append(i == 3 ? ",\"ExplicitHashKey\":null" : "")
                    .append(i == 4 ? ",\"ExplicitHashKey\":\"12345\"" : "").append('}');
        }
        json.append("],\"StreamName\":\"my.stream-1\"}\r\n");
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);

        PutRecordsJsonScanner.Scanned scanned = new PutRecordsJsonScanner(body).scan();
        assertThat(scanned).isNotNull();
        assertThat(scanned.streamName()).isEqualTo("my.stream-1");
        assertThat(scanned.records()).hasSize(40);
        for (int i = 0; i < 40; i++) {
            KinesisStore.Pending record = scanned.records().get(i);
            assertThat(record.data()).as("record %d", i).isEqualTo(sent.get(i));
            assertThat(new String(record.partitionKey(), StandardCharsets.UTF_8)).isEqualTo("key-" + i);
            assertThat(record.hashKey()).isEqualTo(i == 4 ? HashKey.parse("12345") : HashKey.ofPartitionKey("key-" + i));
        }
        assertThat(fastPath.tryAnswer(body, WireFormat.JSON, "us-east-1", "id")).isEqualTo("stored in my.stream-1");
        assertThat(stored).hasSize(40);
        assertThat(stored.get(39).data()).isEqualTo(sent.get(39));
    }

    @Test
    void leavesWhatIsNotPlainToTheTokenReader() {
        List<String> notPlain = List.of(
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQ\\/D\",\"PartitionKey\":\"k\"}]}", // escaped slash
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\\u00e9\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"ké\"}]}",
                "{\"StreamName\":\"s\",\"StreamName\":\"t\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"Data\":\"AQID\",\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQ=\",\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQI==\",\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"A\",\"PartitionKey\":\"k\"}]}",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\"}]} trailing",
                "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\"}]",
                "{\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/s\",\"Records\":[{\"Data\":\"AQID\",\"PartitionKey\":\"k\"}]}");
        for (String body : notPlain) {
            assertThat(new PutRecordsJsonScanner(body.getBytes(StandardCharsets.UTF_8)).scan()).as(body).isNull();
        }
        // The token reader still takes the valid ones among them, with the same result.
        assertThat(fastPath.tryAnswer(notPlain.get(0).getBytes(StandardCharsets.UTF_8), WireFormat.JSON, "r", "i")).isEqualTo("stored in s");
        assertThat(stored.get(0).data()).isEqualTo(Base64.getDecoder().decode("AQ/D"));
        assertThat(fastPath.tryAnswer(notPlain.get(1).getBytes(StandardCharsets.UTF_8), WireFormat.JSON, "r", "i")).isEqualTo("stored in s");
        assertThat(stored.get(1).hashKey()).isEqualTo(HashKey.ofPartitionKey("k\u00e9"));
    }

    @Test
    void handWrittenAnswersReadAsTheGenericWritersDo() throws Exception {
        Shard first = new Shard(0, 0, null, null, HashKey.MIN, HashKey.MAX, 0, 0);
        Shard second = new Shard(12, 3, null, null, HashKey.MIN, HashKey.MAX, 0, 0);
        KinesisStore.Appended appended = new KinesisStore.Appended(new Shard[] {first, second, first},
                new long[] {0, 1234567890123L, Long.MAX_VALUE});
        WireCodec codec = new WireCodec();
        for (String encryption : new String[] {"NONE", "KMS", null}) {
            PutRecordsAnswer answer = new PutRecordsAnswer(appended, "s", encryption);
            for (WireFormat format : WireFormat.values()) {
                byte[] byHand = answer.encoded(format);
                assertThat(byHand).isNotNull();
                JsonNode expected = codec.read(generic(codec, answer, format), format);
                assertThat(codec.read(byHand, format)).as("%s %s", format, encryption).isEqualTo(expected);
                assertThat(expected.path("Records").get(1).path("SequenceNumber").asText())
                        .isEqualTo(new SequenceNumber(1234567890123L, 12).format());
            }
        }
        PutRecordsAnswer withFailure = new PutRecordsAnswer(new KinesisStore.Appended(new Shard[] {first}, new long[] {-1}), "s", "NONE");
        assertThat(withFailure.encoded(WireFormat.JSON)).isNull();
    }

    /** The answer through the generic writer (what {@link PutRecordsAnswer#writeTo} produces). */
    private static byte[] generic(WireCodec codec, PutRecordsAnswer answer, WireFormat format) {
        return codec.write(new memberstream.engine.protocol.WireWritable() {
            @Override
            public void writeTo(memberstream.engine.protocol.WireWriter writer) throws java.io.IOException {
                answer.writeTo(writer);
            }
        }, format);
    }
}
