package memberstream.live;

import java.util.Locale;

/**
 * Builds one SVG document as a string on the server, so that charts need no npm package and no
 * frontend build. Every piece of text and every attribute value goes through {@link #escape}, because
 * stream names, shard ids and event types come from outside. Not thread-safe: one instance per drawing.
 */
public final class SvgCanvas {

    private final StringBuilder body = new StringBuilder();
    private final int width;
    private final int height;
    private final String title;

    public SvgCanvas(int width, int height, String title) {
        this.width = width;
        this.height = height;
        this.title = title;
    }

    public SvgCanvas rect(double x, double y, double w, double h, String fill, String cssClass, String tooltip) {
        body.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" width=\"").append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h)))
                .append("\" fill=\"").append(escape(fill)).append('"');
        if (cssClass != null) {
            body.append(" class=\"").append(escape(cssClass)).append('"');
        }
        if (tooltip != null) {
            body.append("><title>").append(escape(tooltip)).append("</title></rect>");
        } else {
            body.append("/>");
        }
        return this;
    }

    public SvgCanvas outline(double x, double y, double w, double h, String stroke, double strokeWidth, String tooltip) {
        body.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" width=\"").append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h)))
                .append("\" fill=\"none\" stroke=\"").append(escape(stroke)).append("\" stroke-width=\"")
                .append(num(strokeWidth)).append("\"><title>").append(escape(tooltip)).append("</title></rect>");
        return this;
    }

    public SvgCanvas line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth, String dash) {
        body.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1))
                .append("\" x2=\"").append(num(x2)).append("\" y2=\"").append(num(y2))
                .append("\" stroke=\"").append(escape(stroke)).append("\" stroke-width=\"").append(num(strokeWidth)).append('"');
        if (dash != null) {
            body.append(" stroke-dasharray=\"").append(escape(dash)).append('"');
        }
        body.append("/>");
        return this;
    }

    public SvgCanvas polyline(double[] xs, double[] ys, String stroke, double strokeWidth) {
        body.append("<polyline fill=\"none\" stroke=\"").append(escape(stroke))
                .append("\" stroke-width=\"").append(num(strokeWidth)).append("\" points=\"");
        for (int i = 0; i < xs.length; i++) {
            body.append(num(xs[i])).append(',').append(num(ys[i])).append(' ');
        }
        body.append("\"/>");
        return this;
    }

    /** anchor: start, middle or end. */
    public SvgCanvas text(double x, double y, String text, String anchor, int size, String fill, boolean bold) {
        body.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" text-anchor=\"").append(escape(anchor)).append("\" font-size=\"").append(size)
                .append("\" fill=\"").append(escape(fill)).append('"');
        if (bold) {
            body.append(" font-weight=\"bold\"");
        }
        body.append('>').append(escape(text)).append("</text>");
        return this;
    }

    public String toSvg() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " + width + " " + height
                + "\" width=\"" + width + "\" height=\"" + height + "\" font-family=\"sans-serif\" aria-label=\""
                + escape(title) + "\"><title>" + escape(title) + "</title>" + body + "</svg>";
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // XML 1.0 forbids most control characters even escaped.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String num(double v) {
        if (v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
