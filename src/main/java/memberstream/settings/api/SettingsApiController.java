package memberstream.settings.api;

import jakarta.validation.Valid;
import memberstream.settings.SettingsService;
import memberstream.settings.SettingsUpdate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/settings}: any user reads, admins replace (all fields; {@code version} optional). */
@RestController
@RequestMapping("/api/settings")
class SettingsApiController {

    private final SettingsService settings;

    SettingsApiController(SettingsService settings) {
        this.settings = settings;
    }

    @GetMapping
    SettingsResponse get() {
        return SettingsResponse.of(settings.current());
    }

    @PutMapping
    SettingsResponse put(@Valid @RequestBody SettingsUpdate update) {
        return SettingsResponse.of(settings.update(update));
    }
}
