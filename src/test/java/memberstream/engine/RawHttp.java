package memberstream.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * One HTTP/1.1 request over a plain socket to the engine on 127.0.0.1, with any Host and Origin a test
 * wants (java.net.http refuses to send a Host of its choosing), optionally signed with SigV4 by the AWS
 * SDK's own signer. For tests only.
 */
public final class RawHttp {

    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final int port;
    private final String method;
    private final String pathAndQuery;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private String host;

    private RawHttp(int port, String method, String pathAndQuery) {
        this.port = port;
        this.method = method;
        this.pathAndQuery = pathAndQuery;
        this.host = "127.0.0.1:" + port;
    }

    public static RawHttp request(int port, String method, String pathAndQuery) {
        return new RawHttp(port, method, pathAndQuery);
    }

    public RawHttp host(String hostHeader) {
        this.host = hostHeader;
        return this;
    }

    public RawHttp header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public RawHttp body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttp body(byte[] bytes) {
        this.body = bytes;
        return this;
    }

    /** Signs what is set so far (Host, headers, body) with SigV4 for {@code service}, at {@code clock}'s time. */
    public RawHttp sign(String service, String accessKeyId, String secret, Clock clock) {
        return sign(service, accessKeyId, secret, clock, false);
    }

    /**
     * Like {@link #sign(String, String, String, Clock)}; with {@code chunked}, the body becomes an S3
     * {@code aws-chunked} body with a signature per chunk ({@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}).
     */
    public RawHttp sign(String service, String accessKeyId, String secret, Clock clock, boolean chunked) {
        String hostName = host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        SdkHttpFullRequest.Builder unsigned = SdkHttpFullRequest.builder()
                .uri(URI.create("http://" + hostName + ":" + port + pathAndQuery))
                .method(SdkHttpMethod.fromValue(method));
        headers.forEach(unsigned::putHeader);
        SdkHttpRequest request = unsigned.build();
        boolean s3 = service.equals("s3");
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(accessKeyId, secret))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, !s3)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, !s3)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, chunked)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        if (chunked) {
            try (InputStream in = signed.payload().orElseThrow().newStream()) {
                body = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                headers.put(name, String.join(",", values));
            }
        });
        return this;
    }

    /** The body as it will be sent (after {@link #sign} with chunks: the aws-chunked encoding). */
    public byte[] body() {
        return body;
    }

    public Answer send() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(host).append("\r\n");
            headers.forEach((name, value) -> {
                if (!name.equalsIgnoreCase("Content-Length")) {
                    head.append(name).append(": ").append(value).append("\r\n");
                }
            });
            head.append("Content-Length: ").append(body.length).append("\r\n");
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        return new Answer(status, headers, text.substring(end + 4));
    }

}
