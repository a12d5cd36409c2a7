package memberstream.engine.protocol;

import java.io.IOException;

/** An answer that writes itself field by field, for hot paths where building maps would cost too much. */
public interface WireWritable {

    void writeTo(WireWriter writer) throws IOException;

    /** A guess of the encoded size, to size the output buffer once. */
    default int sizeHint() {
        return 256;
    }
}
