package memberstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsLauncherTest {

    @TempDir
    Path target;

    @Test
    void startsTheExtractedJarWithTheArchiveWhenTheBuildLeftOneForThisJar() throws IOException {
        Path jar = builtJarWithArchive(Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:01:00Z"));

        List<String> command = CdsLauncher.childCommand(jar.toString(), new String[] {"--server.port=9090"}).orElseThrow();

        Path cds = target.resolve("memberstream-cds");
        assertThat(command.get(0)).endsWith("java");
        assertThat(command).contains("-XX:SharedArchiveFile=" + cds.resolve("memberstream.jsa"),
                "-D" + CdsLauncher.LAUNCHED_PROPERTY + "=true");
        assertThat(command.subList(command.size() - 3, command.size()))
                .containsExactly("-jar", cds.resolve("memberstream.jar").toString(), "--server.port=9090");
    }

    @Test
    void runsInProcessWhenTheArchiveIsOlderThanTheJar() throws IOException {
        Path jar = builtJarWithArchive(Instant.parse("2026-12-01T10:05:00Z"), Instant.parse("2026-12-01T10:01:00Z"));

        assertThat(CdsLauncher.childCommand(jar.toString(), new String[0])).isEmpty();
    }

    @Test
    void runsInProcessWithoutAnArchive() throws IOException {
        Path jar = builtJarWithArchive(Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:01:00Z"));
        Files.delete(target.resolve("memberstream-cds").resolve("memberstream.jsa"));

        assertThat(CdsLauncher.childCommand(jar.toString(), new String[0])).isEmpty();
    }

    @Test
    void runsInProcessWhenNotStartedFromOneJar() throws IOException {
        Path jar = builtJarWithArchive(Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:01:00Z"));

        // spring-boot:run, the IDE and tests: classes directories and many jars
        assertThat(CdsLauncher.childCommand(target.resolve("classes") + java.io.File.pathSeparator + jar, new String[0]))
                .isEmpty();
        assertThat(CdsLauncher.childCommand(target.resolve("classes").toString(), new String[0])).isEmpty();
        assertThat(CdsLauncher.childCommand("", new String[0])).isEmpty();
    }

    private Path builtJarWithArchive(Instant jarTime, Instant archiveTime) throws IOException {
        Path jar = Files.writeString(target.resolve("memberstream.jar"), "fat jar");
        Path cds = Files.createDirectories(target.resolve("memberstream-cds"));
        Files.writeString(cds.resolve("memberstream.jar"), "extracted jar");
        Path archive = Files.writeString(cds.resolve("memberstream.jsa"), "archive");
        Files.setLastModifiedTime(jar, FileTime.from(jarTime));
        Files.setLastModifiedTime(archive, FileTime.from(archiveTime));
        return jar;
    }
}
