package memberstream.engine.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import memberstream.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3 through the real SDK v2 {@code S3Client}, path style, over HTTP to the engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ApiTest {

    TestEngine engine;
    S3Client s3;

    @BeforeAll
    void start() {
        engine = new TestEngine("s3-api");
        s3 = engine.s3Client();
    }

    @AfterAll
    void stop() {
        s3.close();
        engine.close();
    }

    @Test
    void bucketsAreCreatedListedCheckedAndDeleted() {
        s3.createBucket(b -> b.bucket("lifecycle"));
        assertThat(s3.listBuckets().buckets()).extracting(bucket -> bucket.name()).contains("lifecycle");
        s3.headBucket(b -> b.bucket("lifecycle"));
        assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("lifecycle"))).isInstanceOf(BucketAlreadyOwnedByYouException.class);

        s3.putObject(b -> b.bucket("lifecycle").key("x"), RequestBody.fromString("x"));
        assertThatThrownBy(() -> s3.deleteBucket(b -> b.bucket("lifecycle")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(409);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BucketNotEmpty");
                });
        s3.deleteObject(b -> b.bucket("lifecycle").key("x"));
        s3.deleteBucket(b -> b.bucket("lifecycle"));
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket("lifecycle"))).isInstanceOf(NoSuchBucketException.class);
        assertThat(s3.listBuckets().buckets()).extracting(bucket -> bucket.name()).doesNotContain("lifecycle");
    }

    @Test
    void invalidBucketNamesAreRefusedInS3sErrorFormat() throws Exception {
        // The SDK refuses such names itself, so this goes over plain HTTP, signed by the SDK's signer.
        var response = memberstream.engine.RawHttp.request(engine.server.port(), "PUT", "/Not_Valid")
                .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
                .sign("s3", "test", "test", java.time.Clock.systemUTC()).send();
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>InvalidBucketName</Code>").contains("<BucketName>Not_Valid</BucketName>");
    }

    @Test
    void objectsRoundTripWithMetadataAndEtagAsPlainFiles() throws Exception {
        s3.createBucket(b -> b.bucket("objects"));
        String body = "{\"hello\":\"world\"}";
        var put = s3.putObject(b -> b.bucket("objects").key("dir/sub/hello.json").contentType("application/json")
                .metadata(Map.of("owner", "ada")), RequestBody.fromString(body));
        assertThat(put.eTag()).isEqualTo("\"" + md5Hex(body) + "\"");

        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket("objects").key("dir/sub/hello.json"));
        assertThat(got.asUtf8String()).isEqualTo(body);
        assertThat(got.response().contentType()).isEqualTo("application/json");
        assertThat(got.response().metadata()).containsEntry("owner", "ada");
        assertThat(got.response().eTag()).isEqualTo(put.eTag());

        HeadObjectResponse head = s3.headObject(b -> b.bucket("objects").key("dir/sub/hello.json"));
        assertThat(head.contentLength()).isEqualTo(body.length());
        assertThat(head.eTag()).isEqualTo(put.eTag());

        Path file = engine.directory.resolve("s3/objects/dir/sub/hello.json");
        assertThat(Files.readString(file)).isEqualTo(body);

        s3.deleteObject(b -> b.bucket("objects").key("dir/sub/hello.json"));
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("objects").key("dir/sub/hello.json")))
                .isInstanceOf(NoSuchKeyException.class);
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket("objects").key("missing")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("no-such-bucket").key("k")))
                .isInstanceOf(NoSuchBucketException.class);
    }

    @Test
    void rangesReturnThePartAsked() {
        s3.createBucket(b -> b.bucket("ranges"));
        s3.putObject(b -> b.bucket("ranges").key("digits"), RequestBody.fromString("0123456789"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("ranges").key("digits").range("bytes=2-5")).asUtf8String()).isEqualTo("2345");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("ranges").key("digits").range("bytes=7-")).asUtf8String()).isEqualTo("789");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("ranges").key("digits").range("bytes=-3")).asUtf8String()).isEqualTo("789");
        var partial = s3.getObjectAsBytes(b -> b.bucket("ranges").key("digits").range("bytes=8-100"));
        assertThat(partial.asUtf8String()).isEqualTo("89");
        assertThat(partial.response().contentRange()).isEqualTo("bytes 8-9/10");
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("ranges").key("digits").range("bytes=10-")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(416);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRange");
                });
    }

    @Test
    void listingHonoursPrefixDelimiterAndContinuation() {
        s3.createBucket(b -> b.bucket("listing"));
        List<String> keys = List.of("a.txt", "logs/2026/01/x.gz", "logs/2026/01/y.gz", "logs/2026/02/z.gz", "logs/readme",
                "zz/top");
        for (String key : keys) {
            s3.putObject(b -> b.bucket("listing").key(key), RequestBody.fromString(key));
        }
        ListObjectsV2Response root = s3.listObjectsV2(b -> b.bucket("listing").delimiter("/"));
        assertThat(root.contents()).extracting(S3Object::key).containsExactly("a.txt");
        assertThat(root.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("logs/", "zz/");
        assertThat(root.keyCount()).isEqualTo(3);

        ListObjectsV2Response logs = s3.listObjectsV2(b -> b.bucket("listing").prefix("logs/2026/").delimiter("/"));
        assertThat(logs.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("logs/2026/01/", "logs/2026/02/");
        assertThat(logs.contents()).isEmpty();

        ListObjectsV2Response partial = s3.listObjectsV2(b -> b.bucket("listing").prefix("logs/2"));
        assertThat(partial.contents()).extracting(S3Object::key)
                .containsExactly("logs/2026/01/x.gz", "logs/2026/01/y.gz", "logs/2026/02/z.gz");
        assertThat(partial.contents().get(0).size()).isEqualTo("logs/2026/01/x.gz".length());

        List<String> paged = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String current = token;
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket("listing").maxKeys(2).continuationToken(current));
            page.contents().forEach(object -> paged.add(object.key()));
            token = page.isTruncated() ? page.nextContinuationToken() : null;
            pages++;
        } while (token != null);
        assertThat(paged).containsExactlyElementsOf(keys);
        assertThat(pages).isEqualTo(3);

        assertThat(s3.listObjectsV2Paginator(b -> b.bucket("listing").maxKeys(1)).contents().stream().count()).isEqualTo(keys.size());
    }

    @Test
    void keysThatAreNotPlainPathsStillWork() {
        s3.createBucket(b -> b.bucket("odd-keys"));
        List<String> keys = List.of("a", "a/b", "folder/", "x//y", "../up", "with space+plus%percent", "ünïcödé/ключ");
        for (String key : keys) {
            s3.putObject(b -> b.bucket("odd-keys").key(key), RequestBody.fromString("value of " + key));
        }
        for (String key : keys) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("odd-keys").key(key)).asUtf8String()).isEqualTo("value of " + key);
        }
        assertThat(s3.listObjectsV2(b -> b.bucket("odd-keys")).contents()).extracting(S3Object::key)
                .containsExactlyInAnyOrderElementsOf(keys);
        // Nothing escapes the bucket directory.
        assertThat(engine.directory.resolve("s3/up")).doesNotExist();
        s3.deleteObject(b -> b.bucket("odd-keys").key("a/b"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("odd-keys").key("a")).asUtf8String()).isEqualTo("value of a");
    }

    @Test
    void checksumMismatchIsRefused() {
        s3.createBucket(b -> b.bucket("checksums"));
        assertThatThrownBy(() -> s3.putObject(b -> b.bucket("checksums").key("k").contentMD5("AAAAAAAAAAAAAAAAAAAAAA=="),
                RequestBody.fromString("data")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest"));
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket("checksums").key("k"))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void largeObjectsSurviveTheStreamingUploadEncoding() {
        s3.createBucket(b -> b.bucket("large"));
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(data);
        s3.putObject(b -> b.bucket("large").key("blob.bin"), RequestBody.fromBytes(data));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("large").key("blob.bin").checksumMode("ENABLED")).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void multipartUploadsAssembleTheirParts() {
        s3.createBucket(b -> b.bucket("multipart"));
        byte[] first = new byte[5 * 1024 * 1024];
        byte[] second = new byte[1234];
        new java.util.Random(1).nextBytes(first);
        new java.util.Random(2).nextBytes(second);
        String uploadId = s3.createMultipartUpload(b -> b.bucket("multipart").key("big/file.bin").contentType("application/x-test"))
                .uploadId();
        String etag1 = s3.uploadPart(b -> b.bucket("multipart").key("big/file.bin").uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(first)).eTag();
        String etag2 = s3.uploadPart(b -> b.bucket("multipart").key("big/file.bin").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(second)).eTag();
        var completed = s3.completeMultipartUpload(b -> b.bucket("multipart").key("big/file.bin").uploadId(uploadId)
                .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag1), p -> p.partNumber(2).eTag(etag2))));
        assertThat(completed.eTag()).matches("\"[0-9a-f]{32}-2\"");
        var got = s3.getObjectAsBytes(b -> b.bucket("multipart").key("big/file.bin"));
        byte[] expected = new byte[first.length + second.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertThat(java.util.Arrays.equals(got.asByteArray(), expected)).isTrue();
        assertThat(got.response().contentType()).isEqualTo("application/x-test");
        assertThat(got.response().eTag()).isEqualTo(completed.eTag());

        String small = s3.createMultipartUpload(b -> b.bucket("multipart").key("small")).uploadId();
        String tag = s3.uploadPart(b -> b.bucket("multipart").key("small").uploadId(small).partNumber(1),
                RequestBody.fromBytes(second)).eTag();
        s3.uploadPart(b -> b.bucket("multipart").key("small").uploadId(small).partNumber(2), RequestBody.fromBytes(second));
        assertThatThrownBy(() -> s3.completeMultipartUpload(b -> b.bucket("multipart").key("small").uploadId(small)
                .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(tag), p -> p.partNumber(2).eTag(tag)))))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isIn("EntityTooSmall", "InvalidPart"));
        s3.abortMultipartUpload(b -> b.bucket("multipart").key("small").uploadId(small));
        assertThatThrownBy(() -> s3.uploadPart(b -> b.bucket("multipart").key("small").uploadId(small).partNumber(3),
                RequestBody.fromBytes(second)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchUpload"));
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket("multipart").key("small"))).isInstanceOf(NoSuchKeyException.class);
    }

    private static String md5Hex(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
