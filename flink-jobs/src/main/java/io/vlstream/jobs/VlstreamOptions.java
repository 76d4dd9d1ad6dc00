package io.vlstream.jobs;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * The job's own setting (its checkpoint interval) and the list of every vlstream setting, area by
 * area, with defaults and descriptions: read once into {@link JobSettings}.
 */
public final class VlstreamOptions {

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("vlstream.checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "Checkpoint interval; outputs become visible to read_committed"
                                    + " consumers at each checkpoint.");

    private VlstreamOptions() {}

    /** The option classes, one per area, in the README's order. */
    static final List<Class<?>> AREAS =
            List.of(
                    KafkaOptions.class,
                    FrameOptions.class,
                    ModelOptions.class,
                    ChangeGateOptions.class,
                    SlotOptions.class,
                    SelectionOptions.class,
                    VlstreamOptions.class,
                    LimitOptions.class);

    /** Every option of every area, in declaration order. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Class<?> area : AREAS) {
            for (Field field : area.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())) {
                    try {
                        options.add((ConfigOption<?>) field.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return options;
    }

    /** The README's configuration table, generated from the options. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| key | default | description |\n|---|---|---|\n");
        for (ConfigOption<?> option : all()) {
            Object value = option.hasDefaultValue() ? option.defaultValue() : null;
            String shown =
                    value == null
                            ? "(none)"
                            : value instanceof Duration d ? formatDuration(d) : value.toString();
            table.append("| `")
                    .append(option.key())
                    .append("` | `")
                    .append(shown)
                    .append("` | ")
                    .append(new HtmlFormatter().format(option.description()).replace("|", "\\|"))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String formatDuration(Duration d) {
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + " min";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }
}
