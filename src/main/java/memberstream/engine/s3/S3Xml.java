package memberstream.engine.s3;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Renders S3's XML documents (namespace {@code http://s3.amazonaws.com/doc/2006-03-01/}). */
final class S3Xml {

    static final String NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
    static final String OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final StringBuilder xml = new StringBuilder(512);
    /** XML 1.1, which can hold control characters as references (&#1;); used only for a listing that needs it. */
    private final boolean xml11;

    private S3Xml() {
        this(false);
    }

    private S3Xml(boolean xml11) {
        this.xml11 = xml11;
        xml.append("<?xml version=\"").append(xml11 ? "1.1" : "1.0").append("\" encoding=\"UTF-8\"?>\n");
    }

    static String timestamp(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    static byte[] error(S3Exception e, String requestId) {
        S3Xml doc = new S3Xml();
        doc.open("Error", false).element("Code", e.error().code()).element("Message", e.getMessage());
        if (e.resource() != null) {
            doc.element(e.resource()[0], e.resource()[1]);
        }
        return doc.element("RequestId", requestId).element("HostId", requestId).close("Error").bytes();
    }

    static byte[] listBuckets(List<S3ObjectStore.BucketInfo> buckets) {
        S3Xml doc = new S3Xml().open("ListAllMyBucketsResult", true);
        doc.open("Owner", false).element("ID", OWNER_ID).element("DisplayName", "memberstream").close("Owner");
        doc.open("Buckets", false);
        for (S3ObjectStore.BucketInfo bucket : buckets) {
            doc.open("Bucket", false).element("Name", bucket.name())
                    .element("CreationDate", timestamp(bucket.created())).close("Bucket");
        }
        return doc.close("Buckets").close("ListAllMyBucketsResult").bytes();
    }

    /** What a listing request asked, echoed back in its answer. */
    record ListRequest(String bucket, String prefix, String delimiter, int maxKeys, boolean urlEncoded,
                       boolean version2, String continuationToken, String startAfter, String marker) {
        String encode(String value) {
            return urlEncoded ? urlEncode(value) : value;
        }
    }

    /**
     * A listing; one holding a key with a control character (which XML 1.0 cannot hold, not even as a
     * reference) is written as XML 1.1 unless the keys are URL-encoded, so that XML parsers still read it.
     */
    static byte[] listObjects(ListRequest request, S3ObjectStore.Listing listing, String nextContinuationToken) {
        boolean needs11 = false;
        if (!request.urlEncoded()) {
            for (S3ObjectStore.ObjectInfo object : listing.objects()) {
                needs11 |= !xmlSafe(object.key());
            }
            for (String prefix : listing.commonPrefixes()) {
                needs11 |= !xmlSafe(prefix);
            }
            needs11 |= !xmlSafe(request.prefix()) || !xmlSafe(request.delimiter()) || !xmlSafe(request.startAfter())
                    || !xmlSafe(request.marker());
        }
        S3Xml doc = new S3Xml(needs11).open("ListBucketResult", true);
        doc.element("Name", request.bucket())
                .element("Prefix", request.encode(request.prefix() == null ? "" : request.prefix()));
        if (request.version2()) {
            doc.element("KeyCount", Integer.toString(listing.objects().size() + listing.commonPrefixes().size()));
            if (request.continuationToken() != null) {
                doc.element("ContinuationToken", request.continuationToken());
            }
            if (request.startAfter() != null) {
                doc.element("StartAfter", request.encode(request.startAfter()));
            }
        } else {
            doc.element("Marker", request.encode(request.marker() == null ? "" : request.marker()));
        }
        doc.element("MaxKeys", Integer.toString(request.maxKeys()));
        if (request.delimiter() != null) {
            doc.element("Delimiter", request.encode(request.delimiter()));
        }
        if (request.urlEncoded()) {
            doc.element("EncodingType", "url");
        }
        doc.element("IsTruncated", Boolean.toString(listing.truncated()));
        if (listing.truncated()) {
            if (request.version2()) {
                doc.element("NextContinuationToken", nextContinuationToken);
            } else if (request.delimiter() != null) {
                doc.element("NextMarker", request.encode(listing.nextMarker()));
            }
        }
        for (S3ObjectStore.ObjectInfo object : listing.objects()) {
            doc.open("Contents", false)
                    .element("Key", request.encode(object.key()))
                    .element("LastModified", timestamp(object.lastModified()))
                    .element("ETag", "\"" + object.etag() + "\"")
                    .element("Size", Long.toString(object.size()))
                    .element("StorageClass", "STANDARD");
            if (!request.version2()) {
                doc.open("Owner", false).element("ID", OWNER_ID).element("DisplayName", "memberstream").close("Owner");
            }
            doc.close("Contents");
        }
        for (String prefix : listing.commonPrefixes()) {
            doc.open("CommonPrefixes", false).element("Prefix", request.encode(prefix)).close("CommonPrefixes");
        }
        return doc.close("ListBucketResult").bytes();
    }

    static byte[] deleteResult(List<String> deleted, List<String[]> errors, boolean quiet) {
        S3Xml doc = new S3Xml().open("DeleteResult", true);
        if (!quiet) {
            for (String key : deleted) {
                doc.open("Deleted", false).element("Key", key).close("Deleted");
            }
        }
        for (String[] error : errors) {
            doc.open("Error", false).element("Key", error[0]).element("Code", error[1]).element("Message", error[2])
                    .close("Error");
        }
        return doc.close("DeleteResult").bytes();
    }

    static byte[] copyObjectResult(S3ObjectStore.ObjectInfo info) {
        return new S3Xml().open("CopyObjectResult", true)
                .element("LastModified", timestamp(info.lastModified()))
                .element("ETag", "\"" + info.etag() + "\"")
                .close("CopyObjectResult").bytes();
    }

    static byte[] initiateMultipartUpload(String bucket, String key, String uploadId) {
        return new S3Xml().open("InitiateMultipartUploadResult", true).element("Bucket", bucket).element("Key", key)
                .element("UploadId", uploadId).close("InitiateMultipartUploadResult").bytes();
    }

    static byte[] completeMultipartUpload(String bucket, String key, String etag) {
        return new S3Xml().open("CompleteMultipartUploadResult", true).element("Location", "/" + bucket + "/" + key)
                .element("Bucket", bucket).element("Key", key).element("ETag", "\"" + etag + "\"")
                .close("CompleteMultipartUploadResult").bytes();
    }

    static byte[] location(String region) {
        S3Xml doc = new S3Xml();
        doc.xml.append("<LocationConstraint xmlns=\"").append(NAMESPACE).append("\">");
        if (!"us-east-1".equals(region)) {
            escape(doc.xml, region);
        }
        doc.xml.append("</LocationConstraint>");
        return doc.bytes();
    }

    private S3Xml open(String name, boolean withNamespace) {
        xml.append('<').append(name);
        if (withNamespace) {
            xml.append(" xmlns=\"").append(NAMESPACE).append('"');
        }
        xml.append('>');
        return this;
    }

    private S3Xml close(String name) {
        xml.append("</").append(name).append('>');
        return this;
    }

    private S3Xml element(String name, String text) {
        xml.append('<').append(name).append('>');
        escape(xml, text == null ? "" : text, xml11);
        xml.append("</").append(name).append('>');
        return this;
    }

    private byte[] bytes() {
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void escape(StringBuilder out, String text) {
        escape(out, text, false);
    }

    private static void escape(StringBuilder out, String text, boolean xml11) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\r' -> out.append("&#13;");
                case '\n' -> out.append("&#10;");
                default -> {
                    // XML 1.0 cannot hold the other control characters, not even as references; XML 1.1 can
                    // as references (all but NUL). Elsewhere (messages) they become U+FFFD.
                    if (isXmlChar(text, i)) {
                        out.append(c);
                    } else if (xml11 && c != 0 && c < 0x20) {
                        out.append("&#").append((int) c).append(';');
                    } else {
                        out.append('\uFFFD');
                    }
                }
            }
        }
    }

    /** True when every character of {@code text} can appear in an XML 1.0 document. */
    static boolean xmlSafe(String text) {
        if (text == null) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isXmlChar(text, i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isXmlChar(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
        }
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xFFFD);
    }

    /** URL-encodes keys when the client asked for {@code encoding-type=url}, as the AWS CLI does. */
    static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
