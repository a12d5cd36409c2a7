package memberstream.base.ui;

/** Where each view sits in the drawer (the {@code order} of its {@code @Menu}). */
public final class MenuOrder {

    public static final double MEMBERS = 10;
    public static final double EVENT_LOG = 20;
    public static final double LIVE = 30;
    public static final double STREAMS = 40;
    public static final double DELIVERIES = 50;
    public static final double SETTINGS = 80;
    public static final double USERS = 90;

    private MenuOrder() {
    }
}
