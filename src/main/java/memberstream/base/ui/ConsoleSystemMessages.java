package memberstream.base.ui;

import com.vaadin.flow.server.CustomizedSystemMessages;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import org.springframework.stereotype.Component;

/**
 * Vaadin's messages for a page whose session is gone (the console restarted, the session timed out, or
 * an admin disabled the user): instead of the generic "Session Expired", the page says the session
 * ended and a click (or Esc) leads to the login. Likewise when cookies are off, which makes every
 * session end at once.
 */
@Component
class ConsoleSystemMessages implements VaadinServiceInitListener {

    static final String LOGIN = "login";

    @Override
    public void serviceInit(ServiceInitEvent event) {
        var messages = new CustomizedSystemMessages();
        messages.setSessionExpiredNotificationEnabled(true);
        messages.setSessionExpiredCaption("Your session ended");
        messages.setSessionExpiredMessage("The console restarted or you were logged out. Click here to log in again.");
        messages.setSessionExpiredURL(LOGIN);
        messages.setCookiesDisabledNotificationEnabled(true);
        messages.setCookiesDisabledCaption("Cookies are off");
        messages.setCookiesDisabledMessage("The console needs a session cookie to keep you logged in. Allow cookies "
                + "for this site, then click here to log in.");
        messages.setCookiesDisabledURL(LOGIN);
        event.getSource().setSystemMessagesProvider(info -> messages);
    }
}
