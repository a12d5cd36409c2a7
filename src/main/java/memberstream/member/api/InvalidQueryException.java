package memberstream.member.api;

/** A query parameter the API cannot honour (an unknown sort property, for one). */
class InvalidQueryException extends RuntimeException {

    private final String parameter;

    InvalidQueryException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    String parameter() {
        return parameter;
    }
}
