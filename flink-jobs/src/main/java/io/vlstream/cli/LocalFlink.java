package io.vlstream.cli;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import org.apache.flink.configuration.Configuration;

/** Settings of the local MiniCluster the command-line tools run the job on. */
final class LocalFlink {

    static final int PROMETHEUS_FIRST_PORT = 9249;
    static final int PROMETHEUS_LAST_PORT = 9260;

    private LocalFlink() {}

    /** Adds Flink's Prometheus reporter (first free port in 9249-9260). */
    static Configuration withPrometheus(Configuration conf) {
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
