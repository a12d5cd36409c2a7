package memberstream.engine.protocol;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The browser origins allowed to call the engine ({@code memberstream.engine.cors-origins}, default none;
 * {@code *} allows every origin). A browser marks its requests with {@code Origin} (every cross-origin
 * request, "simple" POSTs included) and {@code Sec-Fetch-Site}; a request so marked from an origin not on
 * the list is refused before any service sees it, and its CORS preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) is refused too. Non-browser clients send neither header and
 * are not affected. Immutable, thread-safe.
 */
final class CorsOrigins {

    /** Response headers a browser app may read: the ones the AWS SDKs look at. */
    static final String EXPOSED_HEADERS = "ETag, Date, x-amz-request-id, x-amz-id-2, x-amzn-RequestId, x-amzn-ErrorType, "
            + "x-amz-checksum-crc32, x-amz-checksum-crc32c, x-amz-version-id, x-amz-bucket-region, Content-Length, Content-Range";
    static final String ALLOWED_METHODS = "GET, PUT, POST, DELETE, HEAD";

    private final Set<String> origins;
    private final boolean any;

    CorsOrigins(Collection<String> origins) {
        this.origins = origins.stream().filter(o -> o != null && !o.isBlank()).map(CorsOrigins::normalize)
                .collect(Collectors.toUnmodifiableSet());
        this.any = this.origins.contains("*");
    }

    boolean allows(String origin) {
        return origin != null && (any || origins.contains(normalize(origin)));
    }

    /** Whether a request without an Origin header was still sent by a page of another site ({@code Sec-Fetch-Site}). */
    boolean refusesUnnamedCrossSite(String secFetchSite) {
        if (secFetchSite == null || any) {
            return false;
        }
        String site = secFetchSite.trim().toLowerCase(Locale.ROOT);
        return site.equals("cross-site") || site.equals("same-site");
    }

    private static String normalize(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
