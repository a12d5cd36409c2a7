package memberstream.live.explorer.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordDetailTest {

    @Test
    void jsonIsPrettyPrintedAndOtherTextIsShownAsItIs() {
        assertThat(RecordDetail.decoded("{\"a\":1,\"b\":[true]}".getBytes(StandardCharsets.UTF_8)))
                .hasValueSatisfying(text -> assertThat(text).contains("\"a\" : 1").contains("\n"));
        assertThat(RecordDetail.decoded("plain words".getBytes(StandardCharsets.UTF_8))).hasValue("plain words");
        assertThat(RecordDetail.decoded("{not json".getBytes(StandardCharsets.UTF_8))).hasValue("{not json");
    }

    @Test
    void bytesThatAreNotUtf8HaveNoDecodedText() {
        assertThat(RecordDetail.decoded(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00})).isEmpty();
    }

    @Test
    void hexShowsOffsetsBytesAndPrintableCharacters() {
        String hex = RecordDetail.hex("ABCDEFGHIJKLMNOPQ\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(hex.lines().toList()).containsExactly(
                "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|",
                "00000010  51 0a                                             |Q.|");
    }

    @Test
    void aLargeRecordsHexIsCutAndSaysHowMuchIsLeft() {
        byte[] big = new byte[RecordDetail.HEX_BYTES_SHOWN + 10];
        assertThat(RecordDetail.hex(big)).endsWith("… 10 more byte(s)\n");
    }
}
