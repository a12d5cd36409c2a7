package memberstream.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what Vaadin's login page gives a browser for the form post: the CSRF token in its meta tags. */
final class LoginPage {

    private static final Pattern META = Pattern.compile("<meta name=\"(_csrf(?:_parameter)?)\" content=\"([^\"]*)\"");

    private LoginPage() {
    }

    /** The form body a browser posts to /login from this page: credentials plus the page's CSRF token. */
    static String formBody(String loginPageHtml, String username, String password) {
        String parameter = meta(loginPageHtml, "_csrf_parameter");
        String token = meta(loginPageHtml, "_csrf");
        return "username=" + encode(username) + "&password=" + encode(password) + "&" + encode(parameter) + "="
                + encode(token);
    }

    static String meta(String html, String name) {
        Matcher matcher = META.matcher(html);
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                return matcher.group(2);
            }
        }
        throw new AssertionError("The login page has no <meta name=\"" + name + "\">");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
