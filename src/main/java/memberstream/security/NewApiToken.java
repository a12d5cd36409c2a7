package memberstream.security;

/** A token just created: {@code token} is the only copy there will ever be; show it once. */
public record NewApiToken(ApiTokenSummary summary, String token) {

    @Override
    public String toString() {
        return "NewApiToken[" + summary + ", token=****]";
    }
}
