package io.vlstream.jobs;

import java.util.function.Supplier;

/** How every settings area reports a bad value: a message that names the key and the fix. */
final class Settings {

    private Settings() {}

    /** Fails with "Setting 'key' problem." unless {@code ok}. */
    static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("Setting '" + key + "' " + problem + ".");
        }
    }

    /** What {@code build} makes of a group of settings, its complaint naming the group. */
    static <T> T valid(String settings, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Settings '" + settings + "' are invalid: " + e.getMessage(), e);
        }
    }
}
