package memberstream.engine.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * What the SigV4 check costs per Kinesis request: the whole check ({@link SigV4Verifier#verify}) against
 * its unavoidable part, one SHA-256 of the body, for a one-record PutRecords and a 500 x 1 KiB one.
 * Prints numbers; run it on a quiet machine:
 * {@code ./mvnw -q test-compile exec:java -Dexec.mainClass=memberstream.engine.protocol.SigV4Benchmark -Dexec.classpathScope=test}
 */
public final class SigV4Benchmark {

    public static void main(String[] args) {
        SigV4Verifier verifier = new SigV4Verifier(Map.of("test", "test"), Clock.systemUTC());
        for (int records : new int[] {1, 500}) {
            FullHttpRequest request = signedPutRecords(records);
            int bytes = request.content().readableBytes();
            int iterations = records == 1 ? 200_000 : 2_000;
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    verifier.verify(request, "kinesis");
                }
                long verify = System.nanoTime() - start;
                start = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    SigV4Verifier.bodyHash(request.content());
                }
                long hash = System.nanoTime() - start;
                System.out.printf("PutRecords of %d record(s), %,d bytes: verify %.1f us/request, body SHA-256 alone %.1f us%n",
                        records, bytes, verify / 1000.0 / iterations, hash / 1000.0 / iterations);
            }
        }
    }

    private static FullHttpRequest signedPutRecords(int records) {
        StringBuilder json = new StringBuilder("{\"StreamName\":\"bench\",\"Records\":[");
        String data = Base64.getEncoder().encodeToString(new byte[1024]);
        for (int i = 0; i < records; i++) {
            json.append(i == 0 ? "" : ",").append("{\"Data\":\"").append(data).append("\",\"PartitionKey\":\"k").append(i).append("\"}");
        }
        byte[] body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder().uri(URI.create("http://127.0.0.1:4566/"))
                .method(SdkHttpMethod.POST).putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "Kinesis_20131202.PutRecords").build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create("test", "test")).request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "kinesis")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/",
                Unpooled.wrappedBuffer(body));
        signed.request().headers().forEach((name, values) -> values.forEach(v -> request.headers().add(name, v)));
        return request;
    }
}
