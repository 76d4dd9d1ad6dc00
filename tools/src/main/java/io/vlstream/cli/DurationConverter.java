package io.vlstream.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as vlstream's settings do: {@code 500ms}, {@code 10s}, {@code 2min}, {@code 1h}.
 */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration duration;
        try {
            duration = TimeUtils.parseDuration(value);
        } catch (RuntimeException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a duration; write e.g. 500ms, 10s, 2min");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new TypeConversionException("'" + value + "' must be longer than zero");
        }
        return duration;
    }
}
