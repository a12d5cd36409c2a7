package memberstream.base;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Where the console keeps its state: embedded PostgreSQL, the engine's log and S3 files. */
@ConfigurationProperties("memberstream")
public record DataDirectoryProperties(@DefaultValue("./data") Path dataDir) {
}
