package memberstream.engine.s3;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * S3's bucket operations: create, head, delete, location, list objects (v1 and v2) and delete objects in
 * bulk. Stateless apart from the {@link S3ObjectStore}; safe for concurrent calls.
 */
final class BucketOperations {

    private static final String REGION = "us-east-1";

    private final S3ObjectStore store;

    BucketOperations(S3ObjectStore store) {
        this.store = store;
    }

    EngineResponse listBuckets() {
        return S3Http.xml(200, S3Xml.listBuckets(store.listBuckets()));
    }

    EngineResponse createBucket(S3Call call) {
        store.createBucket(call.bucket);
        EngineResponse response = S3Http.empty(200);
        response.headers().put("Location", "/" + call.bucket);
        return response;
    }

    EngineResponse headBucket(S3Call call) {
        if (!store.bucketExists(call.bucket)) {
            throw S3Error.NO_SUCH_BUCKET.forResource("BucketName", call.bucket);
        }
        EngineResponse response = S3Http.empty(200);
        response.headers().put("x-amz-bucket-region", REGION);
        return response;
    }

    EngineResponse deleteBucket(S3Call call) {
        store.deleteBucket(call.bucket);
        return S3Http.empty(204);
    }

    EngineResponse bucketLocation(S3Call call) {
        if (!store.bucketExists(call.bucket)) {
            throw S3Error.NO_SUCH_BUCKET.forResource("BucketName", call.bucket);
        }
        return S3Http.xml(200, S3Xml.location(REGION));
    }

    EngineResponse listObjects(S3Call call) {
        Map<String, String> q = call.query;
        boolean version2 = "2".equals(q.get("list-type"));
        int maxKeys = 1000;
        if (q.containsKey("max-keys")) {
            try {
                maxKeys = Integer.parseInt(q.get("max-keys"));
            } catch (NumberFormatException e) {
                throw S3Error.INVALID_ARGUMENT.exception("Provided max-keys not an integer or within integer range");
            }
            if (maxKeys < 0) {
                throw S3Error.INVALID_ARGUMENT.exception("Argument maxKeys must be an integer between 0 and 2147483647");
            }
            maxKeys = Math.min(maxKeys, 1000);
        }
        String encodingType = q.get("encoding-type");
        if (encodingType != null && !encodingType.equals("url")) {
            throw S3Error.INVALID_ARGUMENT.exception("Invalid Encoding Method specified in Request");
        }
        String delimiter = S3Http.emptyToNull(q.get("delimiter"));
        String continuationToken = version2 ? S3Http.emptyToNull(q.get("continuation-token")) : null;
        String startAfter = version2 ? S3Http.emptyToNull(q.get("start-after")) : null;
        String marker = version2 ? null : S3Http.emptyToNull(q.get("marker"));
        String from = marker;
        if (continuationToken != null) {
            try {
                from = new String(Base64.getUrlDecoder().decode(continuationToken), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw S3Error.INVALID_ARGUMENT.exception("The continuation token provided is incorrect");
            }
        } else if (startAfter != null) {
            from = startAfter;
        }
        S3ObjectStore.Listing listing = store.list(call.bucket, q.get("prefix"), delimiter, from, maxKeys);

        String next = listing.truncated()
                ? Base64.getUrlEncoder().withoutPadding().encodeToString(listing.nextMarker().getBytes(StandardCharsets.UTF_8))
                : null;
        S3Xml.ListRequest echo = new S3Xml.ListRequest(call.bucket, q.get("prefix"), delimiter, maxKeys,
                "url".equals(encodingType), version2, continuationToken, startAfter, marker);
        return S3Http.xml(200, S3Xml.listObjects(echo, listing, next));
    }

    EngineResponse deleteObjects(S3Call call, EngineRequest request) {
        if (!store.bucketExists(call.bucket)) {
            throw S3Error.NO_SUCH_BUCKET.forResource("BucketName", call.bucket);
        }
        byte[] body = S3Http.payload(request).payload();
        List<String> keys = new ArrayList<>();
        boolean quiet;
        try {
            Document document = S3Http.parseXml(body);
            NodeList objects = document.getElementsByTagNameNS("*", "Object");
            for (int i = 0; i < objects.getLength(); i++) {
                NodeList keyNodes = ((Element) objects.item(i)).getElementsByTagNameNS("*", "Key");
                if (keyNodes.getLength() == 1) {
                    keys.add(keyNodes.item(0).getTextContent());
                }
            }
            NodeList quietNodes = document.getElementsByTagNameNS("*", "Quiet");
            quiet = quietNodes.getLength() == 1 && "true".equalsIgnoreCase(quietNodes.item(0).getTextContent().trim());
        } catch (Exception e) {
            throw S3Error.MALFORMED_XML.exception();
        }
        if (keys.isEmpty() || keys.size() > 1000) {
            throw S3Error.MALFORMED_XML.exception();
        }
        List<String> deleted = new ArrayList<>();
        List<String[]> errors = new ArrayList<>();
        for (String key : keys) {
            try {
                store.deleteObject(call.bucket, key);
                deleted.add(key);
            } catch (S3Exception e) {
                errors.add(new String[] {key, e.error().code(), e.getMessage()});
            }
        }
        return S3Http.xml(200, S3Xml.deleteResult(deleted, errors, quiet));
    }
}
