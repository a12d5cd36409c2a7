package memberstream.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import memberstream.MutableClock;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import memberstream.live.explorer.ShardMapDrawing;
import memberstream.live.tail.EventRateChart;
import memberstream.live.tail.RollingAnalytics;
import memberstream.live.tail.ShardLagChart;

class SvgDrawingsTest {

    private static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);

    @Test
    void eventRateChartDrawsOneBarPerTypeAndMinuteAndOutlinesTheBurst() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:30Z"));
        RollingAnalytics analytics = new RollingAnalytics(clock, Duration.ofMinutes(30), 10, 3.0, 5);
        analytics.record("memberstream.member.created", clock.instant().minusSeconds(120));
        for (int i = 0; i < 9; i++) {
            analytics.record("memberstream.member.deleted", clock.instant());
        }

        Document svg = parse(EventRateChart.render(analytics.snapshot(), ZoneOffset.UTC));

        assertThat(count(svg, "//*[local-name()='rect'][@class='bar']")).isEqualTo(2);
        assertThat(text(svg, "//*[local-name()='rect'][@class='bar'][@fill='#d83a3a']/*[local-name()='title']"))
                .isEqualTo("10:00 deleted: 9");
        assertThat(count(svg, "//*[local-name()='rect'][@stroke='#d83a3a']")).isEqualTo(1);
        assertThat(svg.getDocumentElement().getTextContent()).contains("burst: 9 deleted").contains("09:55");
    }

    @Test
    void theBurstOutlineSurroundsOnlyItsOwnTypeInAStackedMinute() throws Exception {
        // twenty creations a minute all along, then nine updates in the last minute: the burst is the
        // updates, and the outline must not take in the creations below them
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:50:30Z"));
        RollingAnalytics analytics = new RollingAnalytics(clock, Duration.ofMinutes(30), 10, 3.0, 5);
        for (int minute = 0; minute <= 10; minute++) {
            for (int i = 0; i < 20; i++) {
                analytics.record("memberstream.member.created", clock.instant());
            }
            if (minute < 10) {
                clock.advance(Duration.ofMinutes(1));
            }
        }
        for (int i = 0; i < 9; i++) {
            analytics.record("memberstream.member.updated", clock.instant());
        }

        Document svg = parse(EventRateChart.render(analytics.snapshot(), ZoneOffset.UTC));

        var updates = nodes(svg, "//*[local-name()='rect'][@class='bar'][*[local-name()='title']='10:00 updated: 9']").item(0);
        var outline = nodes(svg, "//*[local-name()='rect'][@stroke='#d83a3a']").item(0);
        assertThat(svg.getDocumentElement().getTextContent()).contains("burst: 9 updated");
        assertThat(attr(outline, "height")).isCloseTo(attr(updates, "height") + 4, org.assertj.core.data.Offset.offset(0.01));
        assertThat(attr(outline, "y")).isCloseTo(attr(updates, "y") - 2, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void onAPhoneTheChartsAreDrawnAtItsWidthWithTheirTextAtFullSize() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:30Z"));
        RollingAnalytics analytics = new RollingAnalytics(clock, Duration.ofMinutes(30), 10, 3.0, 5);
        for (String type : List.of("created", "updated", "deleted")) {
            analytics.record("memberstream.member." + type, clock.instant());
        }

        Document rate = parse(EventRateChart.render(analytics.snapshot(), ZoneOffset.UTC, 356));
        assertThat(rate.getDocumentElement().getAttribute("viewBox")).isEqualTo("0 0 356 260");
        assertThat(smallestFont(rate)).isGreaterThanOrEqualTo(11);
        // the legend fits: its last entry ends inside the drawing
        assertThat(rightmostLegendEntry(rate)).isLessThan(356);
        assertThat(count(rate, "//*[local-name()='text'][contains(., ':')][@text-anchor='middle']"))
                .as("time labels every fifth minute, not every minute").isEqualTo(6);

        Document lag = parse(ShardLagChart.render(List.of(
                new ShardLagChart.Lag("shardId-000000000000", 0L, false, 0),
                new ShardLagChart.Lag("shardId-000000000001", 2000L, false, 0)), 356));
        assertThat(lag.getDocumentElement().getAttribute("viewBox")).startsWith("0 0 356 ");
        assertThat(smallestFont(lag)).isGreaterThanOrEqualTo(11);
        NodeList texts = nodes(lag, "//*[local-name()='text']");
        for (int i = 0; i < texts.getLength(); i++) {
            double x = Double.parseDouble(texts.item(i).getAttributes().getNamedItem("x").getNodeValue());
            assertThat(x).as(texts.item(i).getTextContent()).isBetween(0.0, 356.0);
        }
    }

    @Test
    void emptyChartSaysSo() throws Exception {
        RollingAnalytics analytics = RollingAnalytics.withDefaults(new MutableClock(Instant.EPOCH));
        Document svg = parse(EventRateChart.render(analytics.snapshot(), ZoneOffset.UTC));
        assertThat(svg.getDocumentElement().getTextContent()).contains("No events in the last 30 minutes");
    }

    @Test
    void textFromOutsideIsEscaped() throws Exception {
        String hostile = "<script>alert('x')</script>&\"";
        String raw = ShardLagChart.render(List.of(new ShardLagChart.Lag(hostile, 1500L, false, 2)));

        assertThat(raw).doesNotContain("<script>");
        Document svg = parse(raw);
        assertThat(svg.getDocumentElement().getTextContent()).contains(hostile).contains("1.5 s behind, 2 throttled");
    }

    @Test
    void lagChartShowsEachShardWithABarProportionalToItsLag() throws Exception {
        Document svg = parse(ShardLagChart.render(List.of(
                new ShardLagChart.Lag("shardId-000000000000", 0L, false, 0),
                new ShardLagChart.Lag("shardId-000000000001", 2000L, false, 0),
                new ShardLagChart.Lag("shardId-000000000002", null, true, 0))));

        NodeList bars = nodes(svg, "//*[local-name()='rect'][@class='lag']");
        assertThat(bars.getLength()).isEqualTo(1);
        assertThat(svg.getDocumentElement().getTextContent())
                .contains("at tip", "2.0 s behind", "not read yet", "shardId-000000000002 (closed)");
    }

    @Test
    void shardMapPlacesShardsOverTheirRangeAndChildrenBelowParents() throws Exception {
        BigInteger max = ShardRange.MAX_HASH_KEY;
        List<ShardRange> shards = List.of(
                new ShardRange("shardId-000000000000", null, null, BigInteger.ZERO, max, "100", "200"),
                new ShardRange("shardId-000000000001", "shardId-000000000000", null, BigInteger.ZERO,
                        HALF.subtract(BigInteger.ONE), "300", null),
                new ShardRange("shardId-000000000002", "shardId-000000000000", null, HALF, max, "301", null));

        assertThat(ShardMapDrawing.depths(shards)).containsEntry("shardId-000000000000", 0)
                .containsEntry("shardId-000000000001", 1).containsEntry("shardId-000000000002", 1);

        Document svg = parse(ShardMapDrawing.render(shards, HashKeys.of("member-42"), "member-42"));
        NodeList open = nodes(svg, "//*[local-name()='rect'][@class='shard open']");
        NodeList closed = nodes(svg, "//*[local-name()='rect'][@class='shard closed']");
        assertThat(open.getLength()).isEqualTo(2);
        assertThat(closed.getLength()).isEqualTo(1);
        double leftX = attr(open.item(0), "x");
        double rightX = attr(open.item(1), "x");
        double width = attr(closed.item(0), "width");
        assertThat(rightX - leftX).isCloseTo(width / 2 + 1, org.assertj.core.data.Offset.offset(2.0));
        assertThat(attr(open.item(0), "y")).isGreaterThan(attr(closed.item(0), "y"));
        assertThat(svg.getDocumentElement().getTextContent()).contains("2 open, 1 closed", "member-42");
    }

    @Test
    void shardRangeKnowsItsShareAndWhichKeysItCovers() {
        ShardRange lower = new ShardRange("s", null, null, BigInteger.ZERO, HALF.subtract(BigInteger.ONE), "1", null);
        assertThat(lower.share()).isEqualTo(0.5);
        assertThat(lower.covers(BigInteger.ZERO)).isTrue();
        assertThat(lower.covers(HALF)).isFalse();
        assertThat(lower.open()).isTrue();
    }

    @Test
    void hashKeyIsTheMd5OfThePartitionKeyAsAnUnsignedInteger() {
        // md5("a") = 0cc175b9c0f1b6a831c399e269772661
        assertThat(HashKeys.of("a")).isEqualTo(new BigInteger("0cc175b9c0f1b6a831c399e269772661", 16));
        assertThat(HashKeys.of("z").signum()).isPositive();
    }

    @Test
    void axisTicksAreRound() {
        assertThat(Axis.niceCeiling(7)).isEqualTo(10);
        assertThat(Axis.niceCeiling(13)).isEqualTo(20);
        assertThat(Axis.niceCeiling(41)).isEqualTo(50);
        assertThat(Axis.ticks(20)).containsExactly(0, 5, 10, 15, 20);
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static NodeList nodes(Document doc, String xpath) throws Exception {
        return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
    }

    private static int count(Document doc, String xpath) throws Exception {
        return nodes(doc, xpath).getLength();
    }

    private static String text(Document doc, String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, doc);
    }

    private static double attr(org.w3c.dom.Node node, String name) {
        return Double.parseDouble(node.getAttributes().getNamedItem(name).getNodeValue());
    }

    private static int smallestFont(Document svg) throws Exception {
        NodeList texts = nodes(svg, "//*[local-name()='text']");
        int smallest = Integer.MAX_VALUE;
        for (int i = 0; i < texts.getLength(); i++) {
            smallest = Math.min(smallest, Integer.parseInt(
                    texts.item(i).getAttributes().getNamedItem("font-size").getNodeValue()));
        }
        return smallest;
    }

    /** The right end of the last legend entry, estimated as the legend spaces them (7 units a character). */
    private static double rightmostLegendEntry(Document svg) throws Exception {
        NodeList texts = nodes(svg, "//*[local-name()='text'][@font-size='12'][@text-anchor='start']");
        double right = 0;
        for (int i = 0; i < texts.getLength(); i++) {
            double x = Double.parseDouble(texts.item(i).getAttributes().getNamedItem("x").getNodeValue());
            right = Math.max(right, x + texts.item(i).getTextContent().length() * 7);
        }
        return right;
    }
}
