package memberstream;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The jar's entry point: starts the console with class data sharing when the build left an archive
 * for this very jar, else runs it directly.
 *
 * <p>A JVM cannot take application classes from a CDS archive while they sit in the nested jars of a
 * Spring Boot fat jar, and a jar's manifest cannot carry JVM options. So {@code ./mvnw package}
 * extracts the jar to {@code target/memberstream-cds/} (the application jar and {@code lib/}) and makes
 * a dynamic archive {@code memberstream.jsa} there with a training run; {@code java -jar
 * target/memberstream.jar} then lands here and starts
 * {@code java <same JVM options> -XX:SharedArchiveFile=... -jar target/memberstream-cds/memberstream.jar <args>}
 * as a child with the same standard streams, and exits with its exit code. SIGTERM or Ctrl-C on this
 * process is passed on and waited for (a graceful shutdown of the console); if this process dies
 * abruptly, the child sees it and shuts down on its own, so it never runs on unattended.
 *
 * <p>Without an archive, with an archive older than the jar (a rebuild without the training), with
 * {@code -Dmemberstream.cds=false}, or when not started from a jar at all (IDE, {@code spring-boot:run},
 * tests), the console runs in this process as before.
 */
public final class CdsLauncher {

    static final String CDS_DIRECTORY_SUFFIX = "-cds";
    static final String ARCHIVE_NAME = "memberstream.jsa";
    static final String LAUNCHED_PROPERTY = "memberstream.cds.launched";

    private CdsLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Optional<List<String>> command = Boolean.getBoolean(LAUNCHED_PROPERTY)
                || !Boolean.parseBoolean(System.getProperty("memberstream.cds", "true"))
                ? Optional.empty()
                : childCommand(System.getProperty("java.class.path", ""), args);
        if (command.isEmpty()) {
            if (Boolean.getBoolean(LAUNCHED_PROPERTY)) {
                exitWithParent();
            }
            MemberstreamApplication.main(args);
            return;
        }
        System.exit(runChild(command.get()));
    }

    /**
     * The command that starts the extracted application with the archive, if {@code classPath} is a
     * single jar with an up-to-date extracted copy and archive beside it.
     */
    static Optional<List<String>> childCommand(String classPath, String[] args) {
        if (classPath.isEmpty() || classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
            return Optional.empty();
        }
        Path jar = Path.of(classPath).toAbsolutePath().normalize();
        String name = jar.getFileName().toString();
        Path cdsDirectory = jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + CDS_DIRECTORY_SUFFIX);
        Path archive = cdsDirectory.resolve(ARCHIVE_NAME);
        Path extracted = cdsDirectory.resolve(name);
        try {
            if (!Files.isRegularFile(jar) || !Files.isRegularFile(archive) || !Files.isRegularFile(extracted)
                    || Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) < 0) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-XX:SharedArchiveFile=" + archive);
        command.add("-D" + LAUNCHED_PROPERTY + "=true");
        command.add("-jar");
        command.add(extracted.toString());
        command.addAll(List.of(args));
        return Optional.of(command);
    }

    private static int runChild(List<String> command) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).inheritIO().start();
        Thread passOn = new Thread(() -> {
            if (child.isAlive()) {
                child.destroy(); // SIGTERM: the console's own graceful shutdown
                try {
                    if (!child.waitFor(120, TimeUnit.SECONDS)) {
                        child.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "cds-launcher-shutdown");
        Runtime.getRuntime().addShutdownHook(passOn);
        int exit = child.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(passOn);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; the child has exited either way
        }
        return exit;
    }

    /** In the child: when the launcher is gone (killed), shut down gracefully rather than run on orphaned. */
    private static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(143)));
    }
}
