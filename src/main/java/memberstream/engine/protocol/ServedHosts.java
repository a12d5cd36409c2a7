package memberstream.engine.protocol;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The Host names the engine answers to, which stops DNS rebinding (a page on {@code evil.example} whose
 * name is made to resolve to 127.0.0.1 still sends {@code Host: evil.example}): {@code localhost} and
 * loopback addresses, the bind address (every local interface address when it is a wildcard),
 * {@code <bucket>.localhost} for S3's virtual-hosted style, and the names in
 * {@code memberstream.engine.hostnames} with their {@code <bucket>.} sub-names. Only IP literals are ever
 * looked at as addresses: no name is resolved. Immutable, thread-safe.
 */
final class ServedHosts {

    private static final String LOCALHOST = "localhost";

    private final Set<String> names = new HashSet<>();
    private final Set<InetAddress> addresses = new HashSet<>();

    ServedHosts(String bindAddress, Collection<String> hostnames) {
        for (String hostname : hostnames) {
            if (hostname != null && !hostname.isBlank()) {
                names.add(normalize(hostname.trim()));
            }
        }
        InetAddress bind = literal(normalize(bindAddress));
        if (bind != null && bind.isAnyLocalAddress()) {
            addInterfaceAddresses();
        } else if (bind != null) {
            addresses.add(bind);
        } else if (bindAddress != null) {
            names.add(normalize(bindAddress));
        }
    }

    /** A Host header's name without port, lower case, without a trailing dot; brackets kept off IPv6. */
    static String hostName(String hostHeader) {
        String host = hostHeader.trim();
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : normalize(host.substring(1, close));
        }
        int colon = host.indexOf(':');
        return normalize(colon < 0 ? host : host.substring(0, colon));
    }

    boolean serves(String hostName) {
        if (hostName.isEmpty()) {
            return false;
        }
        if (LOCALHOST.equals(hostName) || hostName.endsWith("." + LOCALHOST) || names.contains(hostName)) {
            return true;
        }
        InetAddress address = literal(hostName);
        if (address != null) {
            return address.isLoopbackAddress() || addresses.contains(address);
        }
        return bucketOf(hostName) != null;
    }

    /**
     * The bucket a virtual-hosted S3 request names ({@code photos} for {@code photos.localhost}), or null
     * when the host is a plain engine name.
     */
    String bucketOf(String hostName) {
        if (names.contains(hostName) || literal(hostName) != null) {
            return null;
        }
        if (hostName.endsWith("." + LOCALHOST)) {
            return hostName.substring(0, hostName.length() - LOCALHOST.length() - 1);
        }
        for (String name : names) {
            if (hostName.endsWith("." + name) && hostName.length() > name.length() + 1) {
                return hostName.substring(0, hostName.length() - name.length() - 1);
            }
        }
        return null;
    }

    private void addInterfaceAddresses() {
        try {
            var interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                interfaces.nextElement().getInetAddresses().asIterator().forEachRemaining(address -> {
                    addresses.add(withoutScope(address));
                });
            }
        } catch (SocketException e) {
            // Loopback names still work; other names can be listed in memberstream.engine.hostnames.
        }
    }

    private static InetAddress withoutScope(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** The address an IP literal names, or null for anything else (never a DNS lookup). */
    static InetAddress literal(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        boolean ipv4 = true;
        boolean ipv6 = host.indexOf(':') >= 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isDigit(c) || c == '.')) {
                ipv4 = false;
            }
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%')) {
                ipv6 = false;
            }
        }
        if (ipv4 && !isDottedQuad(host)) {
            return null;
        }
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            String withoutZone = host.indexOf('%') >= 0 ? host.substring(0, host.indexOf('%')) : host;
            return InetAddress.getByName(withoutZone);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isDottedQuad(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static String normalize(String host) {
        if (host == null) {
            return "";
        }
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
