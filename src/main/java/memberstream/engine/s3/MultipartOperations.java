package memberstream.engine.s3;

import java.util.ArrayList;
import java.util.List;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * S3's multipart uploads on one object: create, upload a part, complete, abort; the rest of the family
 * answers NotImplemented. The uploads in progress live in {@link MultipartUploads}; safe for concurrent calls.
 */
final class MultipartOperations {

    private final MultipartUploads uploads;

    MultipartOperations(S3ObjectStore store) {
        this.uploads = new MultipartUploads(store);
    }

    EngineResponse handle(S3Call call, EngineRequest request) {
        String uploadId = call.query.get("uploadId");
        switch (request.method()) {
            case "POST" -> {
                if (uploadId == null) {
                    String id = uploads.create(call.bucket, call.key, request.header("content-type"), S3Http.userMetadata(request));
                    return S3Http.xml(200, S3Xml.initiateMultipartUpload(call.bucket, call.key, id));
                }
                List<MultipartUploads.CompletedPart> parts = completedParts(S3Http.payload(request).payload());
                S3ObjectStore.ObjectInfo info = uploads.complete(call.bucket, call.key, uploadId, parts);
                return S3Http.xml(200, S3Xml.completeMultipartUpload(call.bucket, call.key, info.etag()));
            }
            case "PUT" -> {
                if (request.header("x-amz-copy-source") != null || !call.query.containsKey("partNumber")) {
                    throw S3Error.NOT_IMPLEMENTED.exception("The local engine does not implement UploadPartCopy.");
                }
                int partNumber;
                try {
                    partNumber = Integer.parseInt(call.query.get("partNumber"));
                } catch (NumberFormatException e) {
                    throw S3Error.INVALID_ARGUMENT.exception("Part number must be an integer between 1 and 10000, inclusive");
                }
                AwsChunkedBody body = S3Http.payload(request);
                S3Http.verifyChecksums(request, body);
                String etag = uploads.uploadPart(call.bucket, call.key, uploadId, partNumber, body.payload());
                EngineResponse response = S3Http.empty(200);
                response.headers().put("ETag", "\"" + etag + "\"");
                return response;
            }
            case "DELETE" -> {
                uploads.abort(call.bucket, call.key, uploadId);
                return S3Http.empty(204);
            }
            default -> throw S3Error.NOT_IMPLEMENTED.exception("The local engine does not implement ListParts.");
        }
    }

    private static List<MultipartUploads.CompletedPart> completedParts(byte[] body) {
        List<MultipartUploads.CompletedPart> parts = new ArrayList<>();
        try {
            Document document = S3Http.parseXml(body);
            NodeList nodes = document.getElementsByTagNameNS("*", "Part");
            for (int i = 0; i < nodes.getLength(); i++) {
                Element part = (Element) nodes.item(i);
                String number = part.getElementsByTagNameNS("*", "PartNumber").item(0).getTextContent().trim();
                String etag = part.getElementsByTagNameNS("*", "ETag").item(0).getTextContent().trim();
                parts.add(new MultipartUploads.CompletedPart(Integer.parseInt(number), etag));
            }
        } catch (Exception e) {
            throw S3Error.MALFORMED_XML.exception();
        }
        return parts;
    }
}
