package memberstream.base;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Password authentication for the embedded PostgreSQL, so that no local process (nor a web page
 * that reaches 127.0.0.1) can use the superuser {@code postgres}.
 *
 * <p>Files: the superuser's password is one line of 32 letters and digits in
 * {@code <data-dir>/postgres-password}, mode 0600 (owner only; checked and set at every start), and
 * {@code <data-dir>/postgres/pg_hba.conf} holds {@link #HBA}: scram-sha-256 for every local (socket)
 * and host (TCP) connection, nothing else.
 *
 * <p>A new data directory never runs with trust: the password file is written first and zonky's
 * initdb is given {@code --auth=scram-sha-256 --pwfile=...} (initdb takes the last {@code --auth}, so
 * zonky's own {@code -A trust} is overridden). A directory made by an older console (trust, no
 * password) is upgraded at its next start: once the server is up (still on trust), the password is
 * set, the file written, pg_hba.conf replaced and reloaded, and any other session ended. Each step is
 * repeatable, so a crash half-way is finished at the start after.
 *
 * <p>Used once, at start-up, by the thread that starts the database with the data directory lock held.
 */
final class EmbeddedPostgresAuthentication {

    static final String PASSWORD_FILE = "postgres-password";
    static final String HBA = """
            # Written by Memberstream: every connection needs the password in <data-dir>/postgres-password.
            # Rewritten at each start; edits here are replaced.
            local   all   all                 scram-sha-256
            host    all   all   0.0.0.0/0     scram-sha-256
            host    all   all   ::/0          scram-sha-256
            """;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresAuthentication.class);
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path pgData;
    private final Path passwordFile;
    private final String password;
    private final boolean newCluster;

    private EmbeddedPostgresAuthentication(Path pgData, Path passwordFile, String password, boolean newCluster) {
        this.pgData = pgData;
        this.passwordFile = passwordFile;
        this.password = password;
        this.newCluster = newCluster;
    }

    /**
     * Before the server starts: reads the password file, or generates a password when there is none.
     * A new cluster gets the file at once (initdb reads it); an old one only once the server has it.
     */
    static EmbeddedPostgresAuthentication prepare(Path dataDir, Path pgData) {
        Path passwordFile = dataDir.resolve(PASSWORD_FILE);
        // zonky runs initdb exactly when postgresql.conf is missing
        boolean newCluster = !Files.exists(pgData.resolve("postgresql.conf"));
        try {
            if (Files.exists(passwordFile)) {
                restrictToOwner(passwordFile);
                String stored = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
                if (stored.isEmpty()) {
                    throw new IllegalStateException(passwordFile + " is empty; restore it from a backup");
                }
                return new EmbeddedPostgresAuthentication(pgData, passwordFile, stored, newCluster);
            }
            if (!newCluster && hbaIsOurs(pgData)) {
                throw new IllegalStateException("The embedded PostgreSQL in " + pgData
                        + " requires a password, but " + passwordFile + " is missing. Restore that file from a "
                        + "backup, or (to set a new password) replace every scram-sha-256 in " + pgData.resolve(
                        "pg_hba.conf") + " with trust for one start: the console then sets and stores a new one.");
            }
            String generated = generatePassword();
            if (newCluster) {
                writeOwnerOnly(passwordFile, generated);
            }
            return new EmbeddedPostgresAuthentication(pgData, passwordFile, generated, newCluster);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write " + passwordFile, e);
        }
    }

    /** Makes zonky connect with the password, and a new cluster be created without trust. */
    EmbeddedPostgres.Builder configure(EmbeddedPostgres.Builder builder) {
        builder.setConnectConfig("password", password);
        if (newCluster) {
            builder.setLocaleConfig("auth", "scram-sha-256");
            builder.setLocaleConfig("pwfile", passwordFile.toAbsolutePath().toString());
        }
        return builder;
    }

    /** After the server is up: upgrades a cluster that still trusts connections (or whose pg_hba.conf was edited). */
    void secure(EmbeddedPostgres postgres) {
        try {
            if (hbaIsOurs(pgData)) {
                return;
            }
            if (newCluster) {
                log.info("New embedded PostgreSQL in {}: its password is in {}", pgData, passwordFile);
            } else {
                log.warn("The embedded PostgreSQL in {} accepted connections without a password; "
                        + "setting a password (kept in {}) and requiring it from now on", pgData, passwordFile);
            }
            try (Connection connection = connect(postgres.getPort(), password);
                 Statement statement = connection.createStatement()) {
                statement.execute("SET password_encryption = 'scram-sha-256'");
                statement.execute("ALTER ROLE postgres WITH PASSWORD " + literal(password));
                writeOwnerOnly(passwordFile, password);
                writeAtomically(pgData.resolve("pg_hba.conf"), HBA);
                statement.execute("SELECT pg_reload_conf()");
                // a session opened while trust was in force would outlive the reload
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot set the embedded PostgreSQL's password", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + passwordFile + " or pg_hba.conf", e);
        }
    }

    String password() {
        return password;
    }

    /** The password kept in {@code <data-dir>/postgres-password}, once {@link #secure} has run. */
    static String storedPassword(Path dataDir) {
        Path passwordFile = dataDir.resolve(PASSWORD_FILE);
        try {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + passwordFile, e);
        }
    }

    static Connection connect(int port, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
    }

    private static boolean hbaIsOurs(Path pgData) throws IOException {
        Path hba = pgData.resolve("pg_hba.conf");
        return Files.exists(hba) && Files.readString(hba, StandardCharsets.UTF_8).equals(HBA);
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String generatePassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    private static void writeOwnerOnly(Path file, String password) throws IOException {
        writeAtomically(file, password + "\n");
    }

    /** Writes a temporary file created owner-only, then renames it over {@code file}. */
    private static void writeAtomically(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        if (posix()) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrictToOwner(Path file) throws IOException {
        if (posix() && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            log.warn("{} was readable by others; made it readable by its owner only", file);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
