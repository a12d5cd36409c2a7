package memberstream.engine.kinesis;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import memberstream.engine.EngineProperties;
import memberstream.engine.EngineServer;
import memberstream.engine.storage.FsyncPolicy;

/** The engine in a child JVM for the crash test: prints its port, then serves until killed. */
public final class KinesisCrashChild {

    public static void main(String[] args) throws Exception {
        EngineProperties properties = EngineProperties.defaults().withPort(0).withThroughputLimits(false)
                .withFsync(FsyncPolicy.valueOf(args[1]));
        KinesisService service = new KinesisService(Path.of(args[0]), properties, Clock.systemUTC(), 1024 * 1024);
        EngineServer server = new EngineServer(List.of(service), "127.0.0.1", 0).start();
        System.out.println("PORT " + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
