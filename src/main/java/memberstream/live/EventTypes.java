package memberstream.live;

import java.util.Locale;

/** Short names and fixed colours for event types, so that every chart and badge agrees. */
public final class EventTypes {

    private EventTypes() {
    }

    /** "memberstream.member.deleted" -> "deleted"; anything unknown keeps its last dotted segment. */
    public static String shortName(String type) {
        if (type == null || type.isBlank()) {
            return "unknown";
        }
        String lower = type.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        String last = dot >= 0 && dot < lower.length() - 1 ? lower.substring(dot + 1) : lower;
        if (last.contains("creat")) {
            return "created";
        }
        if (last.contains("updat")) {
            return "updated";
        }
        if (last.contains("delet")) {
            return "deleted";
        }
        return last;
    }

    public static String color(String type) {
        return switch (shortName(type)) {
            case "created" -> "#2e9d57";
            case "updated" -> "#1f6fd1";
            case "deleted" -> "#d83a3a";
            default -> {
                String[] others = {"#8e5bd6", "#d98a1c", "#3aa5b8", "#7a7a7a"};
                yield others[Math.floorMod(shortName(type).hashCode(), others.length)];
            }
        };
    }
}
