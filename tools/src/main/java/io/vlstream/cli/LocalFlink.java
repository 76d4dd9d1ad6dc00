package io.vlstream.cli;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;

/** Settings of the local MiniCluster the command-line tools run the job on. */
final class LocalFlink {

    static final int PROMETHEUS_FIRST_PORT = 9249;
    static final int PROMETHEUS_LAST_PORT = 9260;

    private LocalFlink() {}

    /**
     * The MiniCluster's settings: Flink's Prometheus reporter (first free port in 9249-9260), no
     * Kryo fallback, and a few quick restarts before a failing job gives up.
     */
    static Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        conf.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString(
                "metrics.reporter.prom.port", PROMETHEUS_FIRST_PORT + "-" + PROMETHEUS_LAST_PORT);
        return conf;
    }

    /** Where the reporter listens: the first port in its range that serves Flink metrics. */
    static String prometheusAddress() {
        for (int port = PROMETHEUS_FIRST_PORT; port <= PROMETHEUS_LAST_PORT; port++) {
            String url = "http://localhost:" + port + "/metrics";
            try {
                HttpURLConnection http =
                        (HttpURLConnection) URI.create(url).toURL().openConnection();
                http.setConnectTimeout(500);
                http.setReadTimeout(2000);
                try (var in = http.getInputStream()) {
                    if (new String(in.readNBytes(1 << 16)).contains("flink_")) {
                        return url + "  (Prometheus scrape address)";
                    }
                } finally {
                    http.disconnect();
                }
            } catch (IOException e) {
                // Not this port.
            }
        }
        return "no Prometheus reporter answered on ports "
                + PROMETHEUS_FIRST_PORT
                + "-"
                + PROMETHEUS_LAST_PORT;
    }
}
