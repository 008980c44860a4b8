package io.rawloop.server.demo;

import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.http.HttpLimits;
import io.rawloop.server.ServerConfig;
import java.time.Duration;
import picocli.CommandLine;

/**
 * The demo's option defaults, read from {@link ServerConfig#DEFAULT} (and its
 * {@link HttpLimits}) instead of being written again as strings: change a default there and
 * {@code --help} and the demo follow. Written the way the options are typed ({@code 10s},
 * {@code 8KiB}), so that {@code --help} shows them so.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {

    /** Made by picocli. */
    ConfigDefaults() {
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argument) {
        if (!(argument instanceof CommandLine.Model.OptionSpec option)) {
            return null;
        }
        ServerConfig d = ServerConfig.DEFAULT;
        HttpLimits limits = d.limits();
        return switch (option.longestName()) {
            case "--max-request-line" -> size(limits.maxStartLine());
            case "--max-header-size" -> size(limits.maxHeaderBytes());
            case "--max-headers" -> Integer.toString(limits.maxHeaderCount());
            case "--max-body" -> size(limits.maxBody());
            case "--header-timeout" -> time(d.headerTimeout());
            case "--body-timeout" -> time(d.bodyGapTimeout());
            case "--idle-timeout" -> time(d.idleTimeout());
            case "--write-timeout" -> time(d.writeStallTimeout());
            case "--response-timeout" -> time(d.responseTimeout());
            case "--max-connections" -> Integer.toString(d.maxConnections());
            case "--shutdown-deadline" -> time(d.shutdownDeadline());
            case "--ws-max-message" -> size(WebSocketOptions.DEFAULT.maxMessage());
            case "--handshake-timeout" -> time(d.handshakeTimeout());
            default -> null;   // the option's own default, if it has one
        };
    }

    /** As {@link DemoServer.Time} reads it: the largest unit that divides it exactly. */
    static String time(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** As {@link DemoServer.Size} reads it. */
    static String size(long bytes) {
        for (String[] unit : new String[][] {{"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}}) {
            long n = Long.parseLong(unit[1]);
            if (bytes % n == 0) {
                return bytes / n + unit[0];
            }
        }
        return bytes + "B";
    }
}
