package io.gatehouse.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A scrape of {@code /metrics} read as Prometheus reads it: every sample line
 * {@code name{label="value",...} number}, label values unescaped. Comment lines ({@code # HELP},
 * {@code # TYPE}, OpenMetrics' {@code # EOF}) are kept apart.
 *
 * @param samples  every sample, in order
 * @param comments every comment line
 */
public record PrometheusText(List<Sample> samples, List<String> comments) {

    /**
     * One sample.
     *
     * @param name   the sample's name ({@code http_requests_total}, {@code ..._bucket})
     * @param labels its labels
     * @param value  its value
     */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /**
     * @param text a scrape
     * @return its samples
     */
    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                comments.add(line);
                continue;
            }
            samples.add(sample(line));
        }
        return new PrometheusText(samples, comments);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int rest;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq).trim();
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            rest = i + 1;
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] parts = line.substring(rest).trim().split(" ");
        return new Sample(name, labels, parseValue(parts[0]));
    }

    private static double parseValue(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
    }

    /**
     * @param name   a sample name
     * @param labels label names and values, alternating; the sample may have more labels
     * @return the samples of that name whose labels include these
     */
    public List<Sample> find(String name, String... labels) {
        List<Sample> out = new ArrayList<>();
        for (Sample sample : samples) {
            if (sample.name().equals(name) && matches(sample, labels)) {
                out.add(sample);
            }
        }
        return out;
    }

    /**
     * @param name   a sample name
     * @param labels label names and values, alternating
     * @return the sum of the matching samples' values, 0 when none match
     */
    public double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /**
     * @param name a histogram's name (without {@code _bucket})
     * @param labels label names and values, alternating, naming one series
     * @return the {@code le} bounds of its buckets, ascending ({@code +Inf} last)
     */
    public List<Double> bucketBounds(String name, String... labels) {
        TreeSet<Double> bounds = new TreeSet<>();
        for (Sample sample : find(name + "_bucket", labels)) {
            bounds.add(parseValue(sample.labels().get("le")));
        }
        return List.copyOf(bounds);
    }

    /**
     * @param label a label name
     * @return every value it has in the scrape
     */
    public TreeSet<String> labelValues(String label) {
        TreeSet<String> values = new TreeSet<>();
        for (Sample sample : samples) {
            String value = sample.labels().get(label);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

    private static boolean matches(Sample sample, String... labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
