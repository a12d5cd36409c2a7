package memberstream.engine.s3;

import java.util.Map;
import memberstream.engine.protocol.EngineRequest;

/** The bucket, key and decoded query of one path-style request. Immutable. */
final class S3Call {

    final String bucket;
    final String key;
    final Map<String, String> query;

    S3Call(EngineRequest request) {
        String path = request.path() == null ? "/" : request.path();
        int questionMark = path.indexOf('?');
        if (questionMark >= 0) {
            path = path.substring(0, questionMark);
        }
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        int slash = trimmed.indexOf('/');
        bucket = S3Http.decodePath(slash < 0 ? trimmed : trimmed.substring(0, slash));
        key = slash < 0 ? "" : S3Http.decodePath(trimmed.substring(slash + 1));
        query = S3Http.parseQuery(request.rawQuery());
    }
}
