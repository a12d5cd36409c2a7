package memberstream.engine.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JavaScript SDK signs {@code :authority} instead of {@code host} over HTTP/2; the stream codec hands
 * that pseudo-header on as Host, so the canonical request must read it from there.
 */
class Http2AuthoritySigningTest {

    @Test
    void aSignedAuthorityIsCanonicalizedFromTheHostHeader() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        request.headers().set("host", "127.0.0.1:4566");
        request.headers().set("x-amz-date", "20261202T015609Z");
        String canonical = SigV4Verifier.canonicalRequest(request, "/", List.of(), List.of(":authority", "x-amz-date"),
                "UNSIGNED-PAYLOAD", false, false);
        assertThat(canonical).contains("\n:authority:127.0.0.1:4566\nx-amz-date:20261202T015609Z\n")
                .contains("\n:authority;x-amz-date\n");
    }
}
