package memberstream.engine.protocol;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every request passes before a service sees it, once for Kinesis, Firehose and S3: the Host check
 * ({@link ServedHosts}), the Origin check and CORS preflight ({@link CorsOrigins}), the SigV4 check
 * ({@link SigV4Verifier}, unless the engine runs with {@code auth=none}), and the rewrite of S3
 * virtual-hosted-style requests ({@code Host: <bucket>.localhost}) to the path style the S3 route
 * reads. Immutable and thread-safe.
 */
public final class FrontDoor {

    /** {@code memberstream.engine.auth}. */
    public enum Auth {
        /** AWS Signature Version 4, checked against {@code memberstream.engine.credentials}. */
        SIGV4,
        /** Any request is taken as it is (Host and Origin are still checked). */
        NONE
    }

    /** The pair every default engine accepts; LocalStack's too. */
    public static final Map<String, String> DEFAULT_CREDENTIALS = Map.of("test", "test");

    private final SigV4Verifier verifier;
    private final ServedHosts hosts;
    private final CorsOrigins cors;
    private final Clock clock;

    /**
     * @param credentials secret access key by access key id (unused with {@link Auth#NONE})
     * @param bindAddress the address the engine listens on (its Host is served)
     * @param hostnames   further Host names to serve ({@code memberstream.engine.hostnames})
     * @param corsOrigins browser origins allowed ({@code memberstream.engine.cors-origins})
     * @param clock       the engine's clock, for the signatures' time checks
     */
    public FrontDoor(Auth auth, Map<String, String> credentials, String bindAddress, Collection<String> hostnames,
                     Collection<String> corsOrigins, Clock clock) {
        this.verifier = auth == Auth.SIGV4 ? new SigV4Verifier(credentials, clock) : null;
        this.hosts = new ServedHosts(bindAddress, hostnames);
        this.cors = new CorsOrigins(corsOrigins);
        this.clock = clock;
    }

    /** SigV4 with {@code test}/{@code test}, loopback hosts, no CORS: what the engine does unless told otherwise. */
    public static FrontDoor standard(String bindAddress, Clock clock) {
        return new FrontDoor(Auth.SIGV4, DEFAULT_CREDENTIALS, bindAddress, List.of(), List.of(), clock);
    }

    /** No signature check (Host and Origin still checked): for tests of the protocol layer that send raw HTTP. */
    public static FrontDoor unsigned(String bindAddress, Clock clock) {
        return new FrontDoor(Auth.NONE, Map.of(), bindAddress, List.of(), List.of(), clock);
    }

    Clock clock() {
        return clock;
    }

    /** What the front door decided for an admitted request. */
    record Admission(String corsOrigin, boolean preflight) {
    }

    /**
     * Checks one request; throws {@link FrontDoorRefusal} for a refused one. An admitted S3 request in
     * virtual-hosted style has its URI rewritten to path style here, after its signature was checked.
     */
    Admission admit(FullHttpRequest request) {
        HttpHeaders headers = request.headers();
        String host = headers.get("host");
        String hostName = host == null ? "" : ServedHosts.hostName(host);
        if (!hosts.serves(hostName)) {
            throw new FrontDoorRefusal(FrontDoorError.FOREIGN_HOST, host == null
                    ? "The request has no Host header."
                    : "This engine does not serve the host '" + hostName + "'. Add it to memberstream.engine.hostnames "
                    + "to allow it.");
        }
        String origin = headers.get("origin");
        if (origin != null && !cors.allows(origin)) {
            throw new FrontDoorRefusal(FrontDoorError.FOREIGN_ORIGIN, "CORSResponse: requests from the origin '" + origin
                    + "' are not allowed. Add it to memberstream.engine.cors-origins to allow it.");
        }
        if (origin == null && cors.refusesUnnamedCrossSite(headers.get("sec-fetch-site"))) {
            throw new FrontDoorRefusal(FrontDoorError.FOREIGN_ORIGIN,
                    "CORSResponse: requests from other sites are not allowed.");
        }
        if (origin != null && HttpMethod.OPTIONS.equals(request.method())
                && headers.contains("access-control-request-method")) {
            return new Admission(origin, true);
        }
        String target = headers.get("x-amz-target");
        if (verifier != null) {
            verifier.verify(request, target == null && isCloudWatch(request) ? "monitoring" : serviceOf(target));
        }
        if (target == null) {
            String bucket = hosts.bucketOf(hostName);
            if (bucket != null) {
                String uri = request.uri();
                String path = uri.startsWith("/") ? uri : "/" + uri;
                request.setUri("/" + bucket + (path.startsWith("/?") || path.equals("/") ? path.substring(1) : path));
            }
        }
        return new Admission(origin, false);
    }

    /** The signing name of the service a request is for; null if the target names none we know. */
    static String serviceOf(String target) {
        if (target == null) {
            return "s3";
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("kinesis_")) {
            return "kinesis";
        }
        if (lower.startsWith("firehose_")) {
            return "firehose";
        }
        if (lower.startsWith("dynamodb_")) {
            return "dynamodb";
        }
        if (lower.startsWith("graniteserviceversion20100801.")) {
            return "monitoring";
        }
        return null;
    }

    /** CloudWatch without a target: the RPC v2 CBOR path, or a query-protocol form (S3 never posts one to "/"). */
    static boolean isCloudWatch(FullHttpRequest request) {
        String uri = request.uri();
        String contentType = request.headers().get("content-type", "");
        return uri.startsWith("/service/GraniteServiceVersion20100801/")
                || (HttpMethod.POST.equals(request.method()) && (uri.equals("/") || uri.startsWith("/?"))
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"));
    }
}
