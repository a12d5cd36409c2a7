package memberstream.engine.s3;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/** Counts bytes and computes MD5, CRC32 and CRC32C of what passes through, in one pass. Not thread-safe. */
final class DigestingOutputStream extends FilterOutputStream {

    private final MessageDigest md5;
    private final Checksum crc32 = new CRC32();
    private final Checksum crc32c = new CRC32C();
    private long size;

    DigestingOutputStream(OutputStream out) {
        super(out);
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        md5.update(b, off, len);
        crc32.update(b, off, len);
        crc32c.update(b, off, len);
        size += len;
    }

    S3ObjectStore.BodyDigests digests() {
        return new S3ObjectStore.BodyDigests(size, md5.digest(), checksumBase64(crc32), checksumBase64(crc32c));
    }

    /** A CRC as S3 writes it in headers: its four bytes, big-endian, in base64. */
    static String checksumBase64(Checksum checksum) {
        long value = checksum.getValue();
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        return Base64.getEncoder().encodeToString(bytes);
    }
}
