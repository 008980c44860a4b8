package io.rawloop.compare;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** "30s", "500ms", "2m": the durations of compare's command lines. */
public final class Durations implements CommandLine.ITypeConverter<Duration> {

    /** Made by picocli for each option that names this converter. */
    public Durations() {
    }

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** Parses "500ms", "30s", "2m" or a number of seconds; the message says what is accepted. */
    public static Duration parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(v));
            }
            if (d.isNegative()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use 500ms, 30s or 2m");
        }
    }
}
