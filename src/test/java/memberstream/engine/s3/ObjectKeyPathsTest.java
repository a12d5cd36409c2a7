package memberstream.engine.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys to file names: readable for ordinary keys, reversible and contained for every other. */
class ObjectKeyPathsTest {

    @Test
    void ordinarySegmentsStayAsTheyAre() {
        assertThat(ObjectKeyPaths.segments("2026/12/01/00/orders-1.gz")).containsExactly("2026", "12", "01", "00", "orders-1.gz");
        assertThat(ObjectKeyPaths.encodeSegment("orders-1.gz")).isEqualTo("orders-1.gz");
        assertThat(ObjectKeyPaths.encodeSegment("ünï code+space ok")).isEqualTo("ünï code+space ok");
    }

    @Test
    void whatAFileSystemCannotHoldIsEscapedAndComesBack() {
        for (String segment : List.of("", ".", "..", "100%", "tab\there", "%2E", "a%", ".hidden")) {
            String name = ObjectKeyPaths.encodeSegment(segment);
            assertThat(name).isNotIn(".", "..").doesNotContain("/");
            assertThat(ObjectKeyPaths.decodeName(name)).isEqualTo(segment);
            assertThat(ObjectKeyPaths.decodeName(ObjectKeyPaths.alternateLeafName(name))).isEqualTo(segment);
        }
        assertThat(ObjectKeyPaths.segments("a//b/")).containsExactly("a", "", "b", "");
    }

    @Test
    void overlongSegmentsAreRefused() {
        assertThatThrownBy(() -> ObjectKeyPaths.encodeSegment("x".repeat(300)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isEqualTo(S3Error.KEY_TOO_LONG));
    }

    @Test
    void keysSortByTheirUtf8Bytes() {
        assertThat(ObjectKeyPaths.compareKeys("a-c", "a/b")).isNegative();
        assertThat(ObjectKeyPaths.compareKeys("\uFFFD", "\uD83D\uDE00")).isNegative(); // U+FFFD < U+1F600 in UTF-8
    }

    @Test
    void awsChunkedBodiesDecodeWithTheirTrailers() {
        String body = "5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=0\r\n"
                + "x-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
        AwsChunkedBody decoded = AwsChunkedBody.decode(body.getBytes());
        assertThat(new String(decoded.payload())).isEqualTo("hello world");
        assertThat(decoded.trailers()).containsEntry("x-amz-checksum-crc32", "DUoRhQ==");
    }

    @Test
    void rangesFollowHttpSemantics() {
        assertThat(ObjectOperations.parseRange("bytes=0-0", 10)).containsExactly(0, 0);
        assertThat(ObjectOperations.parseRange("bytes=-4", 10)).containsExactly(6, 9);
        assertThat(ObjectOperations.parseRange("bytes=5-", 10)).containsExactly(5, 9);
        assertThat(ObjectOperations.parseRange("bytes=5-2", 10)).isNull();
        assertThat(ObjectOperations.parseRange("items=1-2", 10)).isNull();
        assertThatThrownBy(() -> ObjectOperations.parseRange("bytes=10-", 10)).isInstanceOf(S3Exception.class);
    }
}
