package memberstream.engine.protocol;

/** The two body encodings of AWS's JSON protocols; an answer uses the encoding of its request. */
public enum WireFormat {
    JSON("application/x-amz-json-1.1"),
    CBOR("application/x-amz-cbor-1.1");

    private final String contentType;

    WireFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** The format for a {@code Content-Type} header, or null if it names neither (parameters ignored). */
    public static WireFormat fromContentType(String header) {
        if (header == null) {
            return null;
        }
        int semicolon = header.indexOf(';');
        String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase();
        return switch (type) {
            case "application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json" -> JSON;
            case "application/x-amz-cbor-1.1" -> CBOR;
            default -> null;
        };
    }
}
