package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.VideoFrame;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import io.vlstream.metrics.VlstreamMetric;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the job with Flink's Prometheus reporter, scrapes {@code /metrics} over HTTP, and checks
 * every {@link VlstreamMetric} is exported (the issue's metrics with non-zero values), and that
 * every Flink metric the deploy/ dashboard and alerts use ({@code
 * deploy/monitoring/flink-metrics.txt}) is exported too.
 */
class PrometheusMetricsITCase {

    private static final int PORT = freePort();

    /** Flink and Kafka-connector metric families the dashboard and alert rules rely on. */
    static final Path FLINK_METRICS = Path.of("..", "deploy", "monitoring", "flink-metrics.txt");

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(VlstreamCluster.PARALLELISM)
                            .setConfiguration(reporter())
                            .build());

    /** The metrics issue 5 asks for: each must have a non-zero value after this run. */
    private static final Set<VlstreamMetric> NON_ZERO =
            EnumSet.of(
                    VlstreamMetric.FRAMES_IN,
                    VlstreamMetric.FRAMES_DECODED,
                    VlstreamMetric.FRAMES_REJECTED,
                    VlstreamMetric.FRAMES_ANALYZED,
                    VlstreamMetric.MODEL_LATENCY,
                    VlstreamMetric.MODEL_BATCH_SIZE,
                    VlstreamMetric.FRAMES_SCORED,
                    VlstreamMetric.ACTIVE_INSTRUCTIONS,
                    VlstreamMetric.MOMENTS_OPENED,
                    VlstreamMetric.MOMENTS_CLOSED,
                    VlstreamMetric.CAPTIONER_FRAMES,
                    VlstreamMetric.CAPTIONS_EMITTED,
                    VlstreamMetric.END_TO_END_LATENCY,
                    VlstreamMetric.INSTRUCTIONS_COMPILED);

    @Test
    void everyVlstreamMetricIsScrapedWithValues() throws Exception {
        List<String> flinkMetrics =
                Files.readAllLines(FLINK_METRICS).stream()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .toList();
        try (LocalVlstream local = VlstreamCluster.broker("metrics-it");
                TopicReader<DeadLetter> dlq = local.readDeadLetters(null);
                TopicReader<GroundedCaption> captions = local.readCaptions(null)) {
            JobClient job = local.submit(VlstreamCluster.env(), b -> b);
            local.applyInstruction(
                    "people",
                    VlstreamCluster.instruction("people", "a person"),
                    VlstreamCluster.APPLY_TIMEOUT);
            // Camera time a little behind wall time, as it is for a real camera: the end-to-end
            // latency is then positive however fast the frames are published.
            List<VideoFrame> frames = new ArrayList<>();
            for (VideoFrame frame : VlstreamCluster.vtest("cam", 60)) {
                frames.add(
                        VideoFrame.newBuilder(frame)
                                .setPtsMicros(frame.getPtsMicros() - 10_000_000L)
                                .build());
            }
            local.publishFrames(frames.subList(0, 30));
            local.publishRawFrame("cam", new byte[0]);
            local.publishFrames(frames.subList(30, 60));

            dlq.await(d -> !d.isEmpty(), VlstreamCluster.OUTPUT_TIMEOUT);
            captions.await(c -> !c.isEmpty(), VlstreamCluster.OUTPUT_TIMEOUT);

            Map<String, Double> samples = Map.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                samples = scrape();
                if (missingOrZero(samples).isEmpty()) {
                    break;
                }
                Thread.sleep(1_000);
            }
            Set<String> families = families(samples.keySet());
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "scraped-metrics.txt"), families);
            job.cancel().get();

            assertThat(missingOrZero(samples)).as("vlstream metrics absent or zero").isEmpty();
            for (VlstreamMetric metric : VlstreamMetric.values()) {
                if (metric.inEveryJob()) {
                    assertThat(families).as("scraped families").contains(metric.prometheusName());
                }
            }
            assertThat(samples)
                    .as("the empty frame, counted under its reason")
                    .anySatisfy(
                            (key, value) -> {
                                assertThat(key)
                                        .startsWith(VlstreamMetric.FRAMES_REJECTED.prometheusName())
                                        .contains("reason=EMPTY_PAYLOAD");
                                assertThat(value).isEqualTo(1.0);
                            });
            assertThat(families)
                    .as("Flink metrics used by deploy/ (%s)", FLINK_METRICS)
                    .containsAll(flinkMetrics);
        }
    }

    /** Names of the NON_ZERO metrics whose largest sample is missing or zero. */
    private static List<String> missingOrZero(Map<String, Double> samples) {
        List<String> bad = new ArrayList<>();
        for (VlstreamMetric metric : NON_ZERO) {
            String name =
                    metric.prometheusName()
                            + (metric.kind() == VlstreamMetric.Kind.HISTOGRAM ? "_count" : "");
            double max =
                    samples.entrySet().stream()
                            .filter(e -> e.getKey().startsWith(name + "{"))
                            .mapToDouble(Map.Entry::getValue)
                            .max()
                            .orElse(Double.NaN);
            if (!(max > 0)) {
                bad.add(name + "=" + max);
            }
            if (metric.kind() == VlstreamMetric.Kind.HISTOGRAM) {
                double median =
                        samples.entrySet().stream()
                                .filter(
                                        e ->
                                                e.getKey().startsWith(metric.prometheusName() + "{")
                                                        && e.getKey().contains("quantile=0.5"))
                                .mapToDouble(Map.Entry::getValue)
                                .max()
                                .orElse(Double.NaN);
                if (!(median > 0)) {
                    bad.add(metric.prometheusName() + "{quantile=0.5}=" + median);
                }
            }
        }
        return bad;
    }

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * The scrape as "name{reason=...,operator_name=...}" (only the labels that tell vlstream's
     * series apart, unquoted) → value, the largest where several series share that key.
     */
    private static Map<String, Double> scrape() throws IOException, InterruptedException {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://localhost:" + PORT + "/metrics"))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            StringBuilder key = new StringBuilder(m.group(1)).append('{');
            List<String> parts = new ArrayList<>();
            for (String label : List.of("reason", "quantile", "operator_name")) {
                if (labels.containsKey(label)) {
                    parts.add(label + "=" + labels.get(label));
                }
            }
            key.append(String.join(",", parts)).append('}');
            double value;
            try {
                value = Double.parseDouble(m.group(4));
            } catch (NumberFormatException e) {
                continue;
            }
            if (Double.isNaN(value)) {
                // A histogram subtask that has seen nothing yet reports NaN quantiles.
                continue;
            }
            samples.merge(key.toString(), value, Math::max);
        }
        return samples;
    }

    /** Metric family names: sample names with a histogram's _count folded into its family. */
    private static Set<String> families(Set<String> sampleKeys) {
        Set<String> names = new TreeSet<>();
        for (String key : sampleKeys) {
            names.add(key.substring(0, key.indexOf('{')));
        }
        return names;
    }

    private static Configuration reporter() {
        Configuration conf = new Configuration();
        conf.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", String.valueOf(PORT));
        return conf;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for the Prometheus reporter", e);
        }
    }
}
