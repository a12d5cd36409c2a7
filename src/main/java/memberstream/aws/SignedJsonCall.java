package memberstream.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;

/**
 * One SigV4-signed AWS JSON 1.1 call ({@code POST /} with {@code X-Amz-Target}) that no SDK client models,
 * such as the embedded engine's read-only {@code Kinesis_20131202.ListShardSubscriptions}. Answers the
 * status and body as they came (at most {@link #MAX_ANSWER_BYTES}); the caller reads the error shape.
 * Stateless and thread-safe.
 */
public final class SignedJsonCall {

    static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    /** What came back. */
    public record Answer(int status, String body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    private SignedJsonCall() {
    }

    public static Answer post(SdkHttpClient http, URI endpoint, AwsCredentialsProvider credentials, Region region,
                              String signingName, String target, String json) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint.resolve("/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", target)
                .build();
        ContentStreamProvider payload = ContentStreamProvider.fromUtf8String(json);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(payload)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request()).contentStreamProvider(signed.payload().orElse(payload)).build()).call();
            String body = "";
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    body = new String(in.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
                }
            }
            return new Answer(response.httpResponse().statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException("The call " + target + " to " + endpoint + " failed: " + e.getMessage(), e);
        }
    }
}
