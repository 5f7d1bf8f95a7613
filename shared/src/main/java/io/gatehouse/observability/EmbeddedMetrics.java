package io.gatehouse.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's meters as CloudWatch Embedded Metric Format: {@link #flush()}, called by the Lambda
 * handlers when an invocation ends, writes one JSON line per set of dimensions on the
 * {@value #LOGGER} logger (standard output, which Lambda sends to CloudWatch Logs, where the lines
 * become metrics without any scraping).
 *
 * <p>The meters are the gateway's own families ({@code gatehouse_*}, {@code http_request*},
 * {@code proxy_*}, {@code cache_*}, {@code connection_pool_*}), named as on {@code /metrics}, their
 * labels as dimensions. Counters and histograms report what happened since the previous flush (the
 * invocation): a counter its increase, a histogram its new observations as {@code Values} (each
 * bucket's upper bound, the maximum for the last) with {@code Counts}; gauges report their value.
 * Meters with nothing new are left out.
 */
@Singleton
@Requires(property = EmfConfiguration.PREFIX + ".enabled", value = StringUtils.TRUE)
public final class EmbeddedMetrics {

    /** The logger the lines go to; {@code logback.xml} writes the message alone, synchronously. */
    public static final String LOGGER = "gatehouse.emf";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final List<String> PREFIXES = List.of("gatehouse.", "http.request", "proxy.", "cache.", "connection.pool.");

    private final GatewayMetrics metrics;
    private final String namespace;
    /** What each counter or histogram had at the previous flush: its count (and per bucket). */
    private final Map<Meter.Id, double[]> previous = new HashMap<>();

    EmbeddedMetrics(GatewayMetrics metrics, EmfConfiguration configuration) {
        this.metrics = metrics;
        this.namespace = configuration.getNamespace();
    }

    /**
     * Writes what changed since the last call. Lambda runs one invocation at a time per instance.
     */
    public synchronized void flush() {
        Map<List<Tag>, List<Metric>> byDimensions = new LinkedHashMap<>();
        for (Meter meter : metrics.registry().getMeters()) {
            String name = meter.getId().getName();
            if (PREFIXES.stream().noneMatch(name::startsWith)) {
                continue;
            }
            Metric metric = switch (meter) {
                case Counter counter -> counter(counter);
                case Timer timer -> timer(timer);
                case Gauge gauge -> new Metric(prometheusName(name), "None", number(gauge.value()), null);
                default -> null;
            };
            if (metric != null) {
                byDimensions.computeIfAbsent(meter.getId().getTags(), t -> new ArrayList<>()).add(metric);
            }
        }
        long now = System.currentTimeMillis();
        byDimensions.forEach((tags, list) -> LOG.info(line(now, tags, list)));
    }

    private Metric counter(Counter counter) {
        double[] last = previous.computeIfAbsent(counter.getId(), id -> new double[1]);
        double value = counter.count();
        double delta = value - last[0];
        last[0] = value;
        return delta == 0 ? null : new Metric(prometheusName(counter.getId().getName()) + "_total", "Count", number(delta), null);
    }

    private Metric timer(Timer timer) {
        HistogramSnapshot snapshot = timer.takeSnapshot();
        CountAtBucket[] buckets = snapshot.histogramCounts();
        double[] last = previous.computeIfAbsent(timer.getId(), id -> new double[buckets.length + 2]);
        long count = snapshot.count();
        if (count == (long) last[0]) {
            return null;
        }
        // The registry's buckets are cumulative (observations at or below each bound): this flush's
        // observations per bucket are the differences, and those above the last bound the rest.
        StringBuilder values = new StringBuilder();
        StringBuilder counts = new StringBuilder();
        double below = 0;
        double lastBelow = 0;
        for (int i = 0; i < buckets.length; i++) {
            double cumulative = buckets[i].count();
            double inBucket = (cumulative - below) - (last[i + 1] - lastBelow);
            lastBelow = last[i + 1];
            below = cumulative;
            last[i + 1] = cumulative;
            if (inBucket > 0) {
                double bound = buckets[i].bucket(TimeUnit.SECONDS);
                append(values, counts, Double.isInfinite(bound) ? snapshot.max(TimeUnit.SECONDS) : bound, inBucket);
            }
        }
        double above = (count - below) - (last[0] - lastBelow);
        if (above > 0) {
            append(values, counts, snapshot.max(TimeUnit.SECONDS), above);
        }
        last[0] = count;
        return new Metric(prometheusName(timer.getId().getName()) + "_seconds", "Seconds", null,
            "{\"Values\":[" + values + "],\"Counts\":[" + counts + "]}");
    }

    private static void append(StringBuilder values, StringBuilder counts, double value, double count) {
        if (!values.isEmpty()) {
            values.append(',');
            counts.append(',');
        }
        values.append(number(value));
        counts.append(number(count));
    }

    private String line(long timestamp, List<Tag> tags, List<Metric> list) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"_aws\":{\"Timestamp\":").append(timestamp).append(",\"CloudWatchMetrics\":[{\"Namespace\":");
        string(out, namespace);
        out.append(",\"Dimensions\":[[");
        for (int i = 0; i < tags.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, tags.get(i).getKey());
        }
        out.append("]],\"Metrics\":[");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"Name\":");
            string(out, list.get(i).name());
            out.append(",\"Unit\":\"").append(list.get(i).unit()).append("\"}");
        }
        out.append("]}]}");
        for (Tag tag : tags) {
            out.append(',');
            string(out, tag.getKey());
            out.append(':');
            string(out, tag.getValue());
        }
        for (Metric metric : list) {
            out.append(',');
            string(out, metric.name());
            out.append(':').append(metric.value() != null ? metric.value() : metric.distribution());
        }
        return out.append('}').toString();
    }

    /** {@code http.request.duration} as Prometheus names it, without the unit and type suffixes. */
    private static String prometheusName(String name) {
        return name.replace('.', '_');
    }

    private static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "0";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /**
     * One metric of a line: a plain value, or a distribution's JSON.
     *
     * @param name         its name
     * @param unit         its CloudWatch unit
     * @param value        its value, or {@code null}
     * @param distribution {@code {"Values":[...],"Counts":[...]}}, or {@code null}
     */
    private record Metric(String name, String unit, String value, String distribution) {
    }
}
