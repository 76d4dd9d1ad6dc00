package io.vlstream.deploy;

import io.vlstream.jobs.VlstreamOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;

/**
 * The configuration keys Flink and vlstream know: every {@link ConfigOption} in a public static
 * field of an {@code org.apache.flink..*Options} class on the class path (with fallback and
 * deprecated keys), vlstream's {@link VlstreamOptions}, and Flink's templated keys (reporters,
 * external resources) expanded for the names the configuration itself declares.
 */
final class FlinkConfigKeys {

    /**
     * Suffix of {@code external-resource.<name>.kubernetes.config-key}: defined in flink-kubernetes
     * (KubernetesConfigOptions.EXTERNAL_RESOURCE_KUBERNETES_CONFIG_KEY_SUFFIX), which Maven Central
     * does not serve for Flink 2.x.
     */
    static final String KUBERNETES_CONFIG_KEY_SUFFIX = "kubernetes.config-key";

    private final Set<String> exact = new HashSet<>();
    private final List<Pattern> templated = new ArrayList<>();
    private final Set<String> reporterKeys = new HashSet<>();

    private FlinkConfigKeys() {}

    static FlinkConfigKeys onClassPath() {
        FlinkConfigKeys keys = new FlinkConfigKeys();
        for (String className : optionClasses()) {
            try {
                keys.addOptionsOf(
                        Class.forName(className, false, FlinkConfigKeys.class.getClassLoader()));
            } catch (ReflectiveOperationException | LinkageError e) {
                // An options class whose dependencies are not here: its keys cannot be used anyway.
            }
        }
        VlstreamOptions.all().forEach(o -> keys.exact.add(o.key()));
        keys.reporterKeys.add(prometheusPortArgument());
        return keys;
    }

    int size() {
        return exact.size();
    }

    /** Keys of {@code conf} that no option defines. */
    List<String> unknown(Map<String, String> conf) {
        Set<String> reporters = new HashSet<>();
        Set<String> resources = new HashSet<>();
        for (String key : conf.keySet()) {
            var reporter = Pattern.compile("metrics\\.reporter\\.([^.]+)\\..+").matcher(key);
            if (reporter.matches()) {
                reporters.add(reporter.group(1));
            }
        }
        String declared = conf.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST.key());
        if (declared != null) {
            for (String name : declared.split("[;,]")) {
                resources.add(name.strip());
            }
        }
        List<String> unknown = new ArrayList<>();
        for (String key : conf.keySet()) {
            if (!known(key, reporters, resources)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    private boolean known(String key, Set<String> reporters, Set<String> resources) {
        if (exact.contains(key)) {
            return true;
        }
        for (String reporter : reporters) {
            String prefix = "metrics.reporter." + reporter + ".";
            if (key.startsWith(prefix) && reporterKeys.contains(key.substring(prefix.length()))) {
                return true;
            }
        }
        for (String resource : resources) {
            if (key.equals(ExternalResourceOptions.getAmountConfigOptionForResource(resource))
                    || key.equals(
                            ExternalResourceOptions
                                    .getExternalResourceDriverFactoryConfigOptionForResource(
                                            resource))
                    || key.equals(
                            ExternalResourceOptions.getSystemConfigKeyConfigOptionForResource(
                                    resource, KUBERNETES_CONFIG_KEY_SUFFIX))
                    // Driver parameters are the driver's own (the GPU driver's discovery script).
                    || key.startsWith(
                            ExternalResourceOptions.getExternalResourceParamConfigPrefixForResource(
                                    resource))) {
                return true;
            }
        }
        return templated.stream().anyMatch(p -> p.matcher(key).matches());
    }

    private void addOptionsOf(Class<?> type) throws IllegalAccessException {
        for (Field field : type.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())
                    || !ConfigOption.class.isAssignableFrom(field.getType())) {
                continue;
            }
            ConfigOption<?> option = (ConfigOption<?>) field.get(null);
            if (option == null) {
                continue;
            }
            add(option.key(), type);
            for (FallbackKey fallback : option.fallbackKeys()) {
                add(fallback.getKey(), type);
            }
        }
    }

    private void add(String key, Class<?> owner) {
        if (owner == MetricOptions.class
                && (key.startsWith("metrics.reporter.<name>.") || !key.startsWith("metrics."))) {
            // Reporter options are keyed relative to metrics.reporter.<name>.
            String suffix = key.replaceFirst("^metrics\\.reporter\\.<name>\\.", "");
            // "<parameter>" would let any reporter key through: reporters' own keys are listed.
            if (!suffix.contains("<")) {
                reporterKeys.add(suffix);
            }
            return;
        }
        if (key.contains("<")) {
            if (key.startsWith("external-resource.")) {
                return; // expanded per declared resource in known()
            }
            templated.add(
                    Pattern.compile(Pattern.quote(key).replaceAll("<[^>]+>", "\\\\E[^.]+\\\\Q")));
        } else {
            exact.add(key);
        }
    }

    /** The Prometheus reporter reads its port as a plain string argument, not a ConfigOption. */
    private static String prometheusPortArgument() {
        try {
            Field port =
                    Class.forName("org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                            .getDeclaredField("ARG_PORT");
            port.setAccessible(true);
            return (String) port.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("flink-metrics-prometheus is not on the class path", e);
        }
    }

    /**
     * Names of the {@code org.apache.flink.*Options} classes in the class path's Flink jars (found
     * through their manifests: surefire hides the class path behind a manifest-only jar).
     */
    private static List<String> optionClasses() {
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> manifests =
                    FlinkConfigKeys.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                URL manifest = manifests.nextElement();
                if (!manifest.getProtocol().equals("jar")) {
                    continue;
                }
                String path = manifest.getPath();
                File file = new File(URI.create(path.substring(0, path.indexOf("!/"))));
                if (file.getName().startsWith("flink-")) {
                    names.addAll(optionClassesIn(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static List<String> optionClassesIn(File file) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(file)) {
            for (Enumeration<JarEntry> it = jar.entries(); it.hasMoreElements(); ) {
                String name = it.nextElement().getName();
                if (name.startsWith("org/apache/flink/")
                        && name.endsWith("Options.class")
                        && !name.contains("$")) {
                    names.add(name.substring(0, name.length() - 6).replace('/', '.'));
                }
            }
        }
        return names;
    }
}
