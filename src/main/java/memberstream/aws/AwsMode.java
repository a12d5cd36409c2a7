package memberstream.aws;

/** Where the sinks are: which endpoint the AWS clients talk to and whether resources are created. */
public enum AwsMode {
    /** The engine running in this process, on {@code 127.0.0.1:<memberstream.engine.port>}. */
    EMBEDDED,
    /** Any AWS-compatible endpoint named by {@code memberstream.aws.endpoint} (LocalStack, another engine). */
    ENDPOINT,
    /** Real AWS: the default credentials chain and region, no endpoint override. */
    AWS
}
