package memberstream;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.server.AppShellSettings;
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

    @Override
    public void configurePage(AppShellSettings settings) {
        // served from META-INF/resources (same origin, so the CSP allows it); /favicon.ico is there too
        settings.addFavIcon("icon", "icons/favicon.svg", "any");
        settings.addFavIcon("icon", "icons/favicon-32.png", "32x32");
    }

    public static void main(String[] args) throws InterruptedException {
        if (EngineApplication.requested(args)) {
            EngineApplication.runUntilClosed(args); // profile "engine": the engine alone, no console
            return;
        }
        SpringApplication.run(MemberstreamApplication.class, args);
    }
}
