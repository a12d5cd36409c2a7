package memberstream.live.explorer.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Pre;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import memberstream.live.ui.Formats;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * One record read from a shard, whole: where it sits (shard, sequence number, partition key, arrival),
 * its data decoded as UTF-8 (pretty-printed when it is JSON) and its raw bytes in hex.
 */
final class RecordDetail extends Dialog {

    /** Hex dumps beyond this many bytes are cut: a record holds up to 10 MiB. */
    static final int HEX_BYTES_SHOWN = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    RecordDetail(String shardId, Record record) {
        setId("record-detail");
        setHeaderTitle("Record " + record.sequenceNumber());
        setWidth("min(60rem, 100vw)");
        setMaxHeight("90vh");
        byte[] data = record.data().asByteArray();
        Div where = new Div();
        where.setId("record-where");
        where.setText(shardId + " · partition key \"" + record.partitionKey() + "\" · " + data.length + " byte(s)"
                + (record.approximateArrivalTimestamp() == null ? ""
                : " · arrived " + Formats.TIME.format(record.approximateArrivalTimestamp()) + " UTC"));
        Pre decoded = new Pre(decoded(data).orElse("(not UTF-8 text: see the bytes below)"));
        decoded.setId("record-decoded");
        decoded.addClassName("record");
        Pre hex = new Pre(hex(data));
        hex.setId("record-hex");
        hex.addClassName("record");
        add(where, new H4("Data"), decoded, new H4("Bytes"), hex);
        Button close = new Button("Close", e -> close());
        close.setId("close-record-detail");
        getFooter().add(close);
    }

    /** The data as text, pretty-printed if it is one JSON document; empty if it is not UTF-8. */
    static Optional<String> decoded(byte[] data) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                JsonNode node = JSON.readTree(trimmed);
                return Optional.of(JSON.writeValueAsString(node));
            } catch (IOException notOneDocument) {
                return Optional.of(text);
            }
        }
        return Optional.of(text);
    }

    /** Offset, sixteen bytes in hex, and their printable ASCII, one line per sixteen bytes. */
    static String hex(byte[] data) {
        int shown = Math.min(data.length, HEX_BYTES_SHOWN);
        StringBuilder out = new StringBuilder(shown * 4 + 64);
        for (int line = 0; line < shown; line += 16) {
            out.append(String.format("%08x  ", line));
            StringBuilder ascii = new StringBuilder(16);
            for (int i = line; i < line + 16; i++) {
                if (i < shown) {
                    int b = data[i] & 0xff;
                    out.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16)).append(' ');
                    ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
                } else {
                    out.append("   ");
                }
                if (i == line + 7) {
                    out.append(' ');
                }
            }
            out.append(" |").append(ascii).append("|\n");
        }
        if (data.length > shown) {
            out.append("… ").append(data.length - shown).append(" more byte(s)\n");
        }
        return out.toString();
    }
}
