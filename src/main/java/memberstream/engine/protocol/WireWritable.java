package memberstream.engine.protocol;

import java.io.IOException;

/** An answer that writes itself field by field, for hot paths where building maps would cost too much. */
public interface WireWritable {

    void writeTo(WireWriter writer) throws IOException;

    /**
     * The whole answer already encoded in {@code format}, for answers so hot and so regular that
     * writing their bytes by hand pays; null (the default) to be written through {@link #writeTo}.
     * Must decode to the same document as {@link #writeTo} writes.
     */
    default byte[] encoded(WireFormat format) {
        return null;
    }

    /** A guess of the encoded size, to size the output buffer once. */
    default int sizeHint() {
        return 256;
    }
}
