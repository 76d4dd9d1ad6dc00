package io.vlstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vlstream.metrics.VlstreamMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard and the alert rules query is one the job exports: vlstream's
 * own ({@link VlstreamMetric}) or a Flink one listed in monitoring/flink-metrics.txt (both checked
 * against a real scrape by PrometheusMetricsITCase); and the scrape target matches the reporter.
 */
class MonitoringMetricsTest {

    static final Path DASHBOARD =
            Manifests.BASE.resolve("monitoring").resolve("vlstream-dashboard.json");
    static final Path FLINK_METRICS = Manifests.DEPLOY.resolve("monitoring/flink-metrics.txt");

    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");

    /** The metrics issue 5 asks the dashboard to show. */
    private static final Set<VlstreamMetric> ON_THE_DASHBOARD =
            EnumSet.complementOf(
                    EnumSet.of(
                            VlstreamMetric.INSTRUCTIONS_COMPILED,
                            VlstreamMetric.INSTRUCTIONS_RETIRED,
                            VlstreamMetric.TEXTS_ALIGNED));

    @Test
    void dashboardQueriesOnlyExportedMetrics() throws IOException {
        assertThat(unexported(dashboardQueries())).isEmpty();
    }

    @Test
    void alertRulesQueryOnlyExportedMetrics() {
        List<String> exprs = ruleExpressions();
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(4);
        assertThat(unexported(exprs)).isEmpty();
    }

    @Test
    void theCheckCatchesAMetricTheJobDoesNotExport() {
        assertThat(
                        unexported(
                                List.of(
                                        "rate(flink_taskmanager_job_task_operator_vlstream_frames_in[1m])",
                                        "flink_jobmanager_job_numberOfFailedCheckpoints")))
                .containsExactly("flink_taskmanager_job_task_operator_vlstream_frames_in");
    }

    @Test
    void dashboardShowsEveryVlstreamMetric() throws IOException {
        String all = String.join("\n", dashboardQueries());
        for (VlstreamMetric metric : ON_THE_DASHBOARD) {
            assertThat(all).as("dashboard query of %s", metric).contains(metric.prometheusName());
        }
    }

    @Test
    void alertsCoverLagDeadLettersCheckpointsAndModelLatency() {
        String all = String.join("\n", ruleExpressions());
        assertThat(all)
                .contains("flink_taskmanager_job_task_operator_pendingRecords")
                .contains(VlstreamMetric.FRAMES_REJECTED.prometheusName())
                .contains("flink_jobmanager_job_numberOfFailedCheckpoints")
                .contains(VlstreamMetric.MODEL_LATENCY.prometheusName());
    }

    @Test
    void podMonitorScrapesTheReportersPort() {
        JsonNode monitor = Manifests.base("PodMonitor").get(0).node();
        String port = monitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText();
        JsonNode deployment = Manifests.flinkDeployment(null);
        JsonNode container =
                deployment.path("spec").path("podTemplate").path("spec").path("containers").get(0);
        JsonNode named = null;
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port)) {
                named = p;
            }
        }
        assertThat(named).as("container port named %s", port).isNotNull();
        assertThat(FlinkDeploymentTest.flinkConfiguration(deployment))
                .containsEntry("metrics.reporter.prom.port", named.path("containerPort").asText());
        assertThat(monitor.path("spec").path("selector").path("matchLabels").path("app").asText())
                .isEqualTo(deployment.path("metadata").path("name").asText());
    }

    /** Metric names in {@code queries} that the job does not export. */
    static List<String> unexported(List<String> queries) {
        Set<String> exported = exported();
        Set<String> missing = new TreeSet<>();
        for (String query : queries) {
            Matcher m = METRIC.matcher(query);
            while (m.find()) {
                if (!exported.contains(m.group())) {
                    missing.add(m.group());
                }
            }
        }
        return new ArrayList<>(missing);
    }

    static Set<String> exported() {
        Set<String> names = new TreeSet<>();
        for (VlstreamMetric metric : VlstreamMetric.values()) {
            names.add(metric.prometheusName());
            if (metric.kind() == VlstreamMetric.Kind.HISTOGRAM) {
                names.add(metric.prometheusName() + "_count");
            }
        }
        try {
            for (String line : Files.readAllLines(FLINK_METRICS)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return names;
    }

    /** Every PromQL expression of the dashboard: panel targets and template variable queries. */
    static List<String> dashboardQueries() throws IOException {
        JsonNode dashboard = Manifests.YAML.readTree(DASHBOARD.toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("query").isObject()) {
                exprs.add(variable.path("query").path("query").asText());
            }
        }
        assertThat(exprs).isNotEmpty().allSatisfy(e -> assertThat(e).isNotBlank());
        return exprs;
    }

    static List<String> ruleExpressions() {
        List<String> exprs = new ArrayList<>();
        for (Manifests.Doc rule : Manifests.base("PrometheusRule")) {
            for (JsonNode group : rule.node().path("spec").path("groups")) {
                for (JsonNode r : group.path("rules")) {
                    exprs.add(r.path("expr").asText());
                }
            }
        }
        return exprs;
    }
}
