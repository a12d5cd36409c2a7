package memberstream.engine.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SigV4 signing keys, {@code HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")},
 * derived once per access key, date, region and service and then reused: a request costs one HMAC of its
 * string to sign instead of five. The cache forgets everything when it holds {@link #MAX_KEYS} (a key only
 * lives for its day anyway), so a client cycling regions cannot grow it. Also the SHA-256 and HMAC
 * helpers the verifier uses, with one {@link Mac} and {@link MessageDigest} per thread. Thread-safe.
 */
final class SigningKeys {

    static final int MAX_KEYS = 1024;
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });
    static final String EMPTY_SHA256 = hex(sha256().digest());

    private final Map<String, String> secrets;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    /** @param secrets secret access key by access key id */
    SigningKeys(Map<String, String> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    boolean knows(String accessKeyId) {
        return secrets.containsKey(accessKeyId);
    }

    /** The signing key for one credential scope; the access key must be {@linkplain #knows known}. */
    byte[] key(String accessKeyId, String date, String region, String service) {
        String scope = accessKeyId + '/' + date + '/' + region + '/' + service;
        byte[] key = keys.get(scope);
        if (key == null) {
            byte[] dateKey = hmac(("AWS4" + secrets.get(accessKeyId)).getBytes(StandardCharsets.UTF_8), date);
            key = hmac(hmac(hmac(dateKey, region), service), "aws4_request");
            if (keys.size() >= MAX_KEYS) {
                keys.clear();
            }
            keys.put(scope, key);
        }
        return key;
    }

    int cachedKeys() {
        return keys.size();
    }

    static byte[] hmac(byte[] key, String data) {
        Mac mac = MAC.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    /** This thread's SHA-256 digest, reset. */
    static MessageDigest sha256() {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest;
    }

    static String sha256Hex(byte[] data, int offset, int length) {
        MessageDigest digest = sha256();
        digest.update(data, offset, length);
        return hex(digest.digest());
    }

    static String sha256Hex(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return sha256Hex(bytes, 0, bytes.length);
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Compares a computed signature with a supplied one in constant time (case-insensitively, as hex). */
    static boolean sameSignature(String expected, String supplied) {
        return supplied != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                supplied.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
