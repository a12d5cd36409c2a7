package memberstream.base.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.AccessDeniedException;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What a logged-in user sees on opening a view their role may not open (a viewer typing
 * {@code /users}): that it needs the admin role, with a way back, inside the usual frame. Replaces
 * Vaadin's default, which answers as if the view did not exist. Users who are not logged in never get
 * here: they are sent to the login first.
 */
@ParentLayout(MainLayout.class)
@AnonymousAllowed
public class AccessDeniedView extends VerticalLayout implements HasErrorParameter<AccessDeniedException> {

    private final Paragraph explanation = new Paragraph();

    public AccessDeniedView() {
        addClassName("access-denied-view");
        var back = new Anchor("", "Back to the start page");
        back.addClassName("access-denied-back");
        add(new H2("This page needs the admin role"), explanation,
                new Paragraph("An admin can give you that role on the Users page."), back);
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<AccessDeniedException> parameter) {
        explanation.setText("You are logged in without the admin role, so '/" + event.getLocation().getPath()
                + "' is not open to you.");
        return HttpServletResponse.SC_FORBIDDEN;
    }
}
