package memberstream.base;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Signals between the consoles sharing one PostgreSQL database, over {@code LISTEN/NOTIFY}.
 *
 * <p><b>Protocol.</b> A signal is {@code pg_notify(channel, payload)} run on the sender's current
 * transaction ({@link #signal}): PostgreSQL delivers it to every session listening on the channel,
 * the sender's own included, when and only when that transaction commits, in commit order. Each
 * console holds one connection of its own (not one of the pool's) that {@code LISTEN}s on every
 * subscribed channel, and one thread that waits on it and calls the subscribers. A notification sent
 * while a console was not listening is lost to it, so every time the listening connection is (re)made
 * each subscriber is told to {@link Subscriber#resync} (anything may have changed meanwhile), and
 * while it is down {@link #listening()} is false: a cache kept current by signals must then not
 * trust itself. Channels are lower-case identifiers; payloads are short text (PostgreSQL allows
 * under 8000 bytes).
 *
 * <p>Thread-safety: {@link #subscribe} and {@link #signal} from any thread; subscribers are called on
 * the listener thread, one at a time, and must return quickly.
 */
@Component
@Profile("!engine")
public class ClusterSignals implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterSignals.class);
    private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final int WAIT_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 1_000;

    /** What a subscriber is told. Called on the listener thread. */
    public interface Subscriber {

        /** A signal on the channel committed (on any console, this one too). */
        void signalled(String payload);

        /** Signals may have been missed (the listening connection was just made or remade). */
        void resync();
    }

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    /** Channels subscribed to but not yet LISTENed on by the current connection. */
    private final Set<String> toListen = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private volatile boolean listening;
    private volatile Thread listener;

    public ClusterSignals(DataSource dataSource, JdbcTemplate jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    /** Subscribes to a channel; the subscriber's first call is a {@link Subscriber#resync} once it listens. */
    public void subscribe(String channel, Subscriber subscriber) {
        requireChannel(channel);
        subscribers.computeIfAbsent(channel, name -> new CopyOnWriteArrayList<>()).add(subscriber);
        toListen.add(channel);
    }

    /**
     * Sends a signal when the current transaction commits (at once outside a transaction). Every
     * listening console gets it, this one too.
     */
    public void signal(String channel, String payload) {
        requireChannel(channel);
        jdbc.queryForList("select pg_notify(?, ?)", Object.class, channel, payload == null ? "" : payload);
    }

    /** True while this console listens: no signal committed meanwhile can have been missed. */
    public boolean listening() {
        return listening && toListen.isEmpty();
    }

    @Override
    public void start() {
        running = true;
        Thread thread = new Thread(this::run, "cluster-signals");
        thread.setDaemon(true);
        listener = thread;
        thread.start();
    }

    @Override
    public void stop() {
        running = false; // the listener thread ends within one wait
        Thread thread = listener;
        if (thread != null) {
            try {
                thread.join(WAIT_MILLIS + RECONNECT_MILLIS + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Connection connection = null;
        while (running) {
            try {
                if (connection == null) {
                    connection = connect();
                    toListen.addAll(subscribers.keySet());
                }
                listenToNew(connection);
                listening = true;
                PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
                if (notifications != null) {
                    for (PGNotification notification : notifications) {
                        dispatch(notification.getName(), notification.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                close(connection);
                connection = null;
                if (running) {
                    log.warn("Not listening for other consoles' signals ({}); trying again in {} ms", e.toString(),
                            RECONNECT_MILLIS);
                    sleep(RECONNECT_MILLIS);
                }
            }
        }
        listening = false;
        close(connection);
    }

    /** LISTENs on channels subscribed since the last call, then tells their subscribers to resync. */
    private void listenToNew(Connection connection) throws SQLException {
        if (toListen.isEmpty()) {
            return;
        }
        List<String> channels = List.copyOf(toListen);
        try (Statement statement = connection.createStatement()) {
            for (String channel : channels) {
                statement.execute("LISTEN " + channel); // checked against CHANNEL: a plain identifier
            }
        }
        channels.forEach(toListen::remove);
        for (String channel : channels) {
            for (Subscriber subscriber : subscribers.getOrDefault(channel, List.of())) {
                call(channel, subscriber::resync);
            }
        }
    }

    private void dispatch(String channel, String payload) {
        for (Subscriber subscriber : subscribers.getOrDefault(channel, List.of())) {
            call(channel, () -> subscriber.signalled(payload));
        }
    }

    private static void call(String channel, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("A subscriber of signal channel {} failed: {}", channel, e.toString());
        }
    }

    /** A connection of its own: one held for good should not take a place in the pool. */
    private Connection connect() throws SQLException {
        Connection connection;
        if (dataSource.isWrapperFor(HikariDataSource.class)) {
            HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
            Properties properties = new Properties();
            properties.putAll(pool.getDataSourceProperties());
            if (pool.getUsername() != null) {
                properties.setProperty("user", pool.getUsername());
            }
            if (pool.getPassword() != null) {
                properties.setProperty("password", pool.getPassword());
            }
            connection = DriverManager.getConnection(pool.getJdbcUrl(), properties);
        } else {
            connection = dataSource.getConnection();
        }
        connection.setAutoCommit(true);
        return connection;
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // gone already
            }
        }
    }

    private void sleep(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        try {
            while (running && System.nanoTime() < until) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static void requireChannel(String channel) {
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("Not a signal channel name: " + channel);
        }
    }
}
