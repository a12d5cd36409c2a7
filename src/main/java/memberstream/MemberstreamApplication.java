package memberstream;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.theme.Theme;
import memberstream.engine.EngineApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The console: members, settings, forwarding and the views, with the embedded engine beside it. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Push
@Theme("memberstream")
public class MemberstreamApplication implements AppShellConfigurator {

    public static void main(String[] args) throws InterruptedException {
        if (EngineApplication.requested(args)) {
            EngineApplication.runUntilClosed(args); // profile "engine": the engine alone, no console
            return;
        }
        SpringApplication.run(MemberstreamApplication.class, args);
    }
}
