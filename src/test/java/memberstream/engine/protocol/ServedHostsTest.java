package memberstream.engine.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServedHostsTest {

    private final ServedHosts hosts = new ServedHosts("127.0.0.1", List.of("devbox.lan"));

    @Test
    void loopbackNamesTheBindAddressAndConfiguredNamesAreServed() {
        for (String host : List.of("localhost:4566", "LOCALHOST", "127.0.0.1:4566", "127.0.0.2", "[::1]:4566",
                "devbox.lan:4566", "devbox.lan.", "photos.localhost:4566", "photos.devbox.lan")) {
            assertThat(hosts.serves(ServedHosts.hostName(host))).as(host).isTrue();
        }
    }

    @Test
    void foreignNamesAndAddressesAreNot() {
        for (String host : List.of("evil.example", "localhost.evil.example", "10.0.0.7:4566", "devbox.lan.evil.example",
                "", "[fe80::1]", "127.0.0.1.nip.io")) {
            assertThat(hosts.serves(ServedHosts.hostName(host))).as(host).isFalse();
        }
    }

    @Test
    void aVirtualHostNamesItsBucket() {
        assertThat(hosts.bucketOf("photos.localhost")).isEqualTo("photos");
        assertThat(hosts.bucketOf("my.dotted.bucket.localhost")).isEqualTo("my.dotted.bucket");
        assertThat(hosts.bucketOf("photos.devbox.lan")).isEqualTo("photos");
        assertThat(hosts.bucketOf("localhost")).isNull();
        assertThat(hosts.bucketOf("devbox.lan")).isNull();
        assertThat(hosts.bucketOf("127.0.0.1")).isNull();
    }
}
