package memberstream.engine.protocol;

/**
 * A shortcut for a hot operation: answers a well-formed, valid request straight from its bytes
 * (streaming, no tree). Returns null for anything it does not fully understand or that breaks a rule;
 * the general path (tree, validation table, AWS's messages) then handles the request, so the
 * shortcut never changes what a client sees. May throw {@link AwsServiceException} like an operation.
 */
@FunctionalInterface
public interface FastPath {

    Object tryAnswer(byte[] body, WireFormat format, String region, String requestId);
}
