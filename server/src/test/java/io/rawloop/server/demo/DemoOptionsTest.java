package io.rawloop.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rawloop.server.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo's options: their defaults are ServerConfig.DEFAULT's, and their values read as typed. */
class DemoOptionsTest {

    @Test
    void withNoOptionsTheDemoRunsOnServerConfigDefault() {
        DemoServer demo = new DemoServer();
        new CommandLine(demo).parseArgs();
        assertEquals(ServerConfig.DEFAULT, demo.config());
    }

    @Test
    void optionsChangeOnlyWhatTheyName() {
        DemoServer demo = new DemoServer();
        new CommandLine(demo).parseArgs("--idle-timeout", "5", "--max-body", "1MiB", "--header-timeout", "2m");
        ServerConfig expected = ServerConfig.DEFAULT.withIdleTimeout(Duration.ofMillis(5))
                .withHeaderTimeout(Duration.ofMinutes(2))
                .withLimits(new io.rawloop.http.HttpLimits(8 * 1024, 16 * 1024, 100, 1024 * 1024));
        assertEquals(expected, demo.config(), "a bare number, even one digit, is milliseconds");
    }

    @Test
    void aBadDurationIsNamed() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> new CommandLine(new DemoServer()).parseArgs("--idle-timeout", "soon"));
        assertEquals("Invalid value for option '--idle-timeout': 'soon' is not a duration: use 500ms, 10s, 2m or 1h",
                e.getMessage());
    }
}
