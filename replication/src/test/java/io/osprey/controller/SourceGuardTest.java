package io.osprey.controller;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the pure packages pure: their sources name no network, channel, thread, concurrency
 * or clock API. A source scan rather than bytecode analysis: cheap, and it catches the
 * imports and the fully qualified uses that matter.
 */
class SourceGuardTest
{
    private static final List<String> FORBIDDEN = List.of(
        "java.net", "java.nio.channels", "Thread", "java.util.concurrent", "currentTimeMillis", "nanoTime",
        "java.time", "java.util.Random", "Math.random", "java.io.File", "java.nio.file");

    private static final Path QUORUM_PACKAGE = Path.of("src/main/java/io/osprey/controller/quorum");

    private static final List<Path> PURE_PACKAGES = List.of(
        Path.of("src/main/java/io/osprey/controller"),
        Path.of("src/main/java/io/osprey/replication"));

    @Test
    void shouldKeepPurePackagesFreeOfIoThreadsAndClocks() throws IOException
    {
        final List<String> violations = new ArrayList<>();
        int scanned = 0;
        for (final Path dir : PURE_PACKAGES)
        {
            assertThat(dir).isDirectory();
            try (Stream<Path> files = Files.walk(dir))
            {
                // io.osprey.controller.quorum is the I/O shell around the pure state machine.
                for (final Path file : files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(QUORUM_PACKAGE)).toList())
                {
                    scanned++;
                    final List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++)
                    {
                        for (final String token : FORBIDDEN)
                        {
                            if (lines.get(i).contains(token))
                            {
                                violations.add(file + ":" + (i + 1) + " uses " + token + ": " + lines.get(i).trim());
                            }
                        }
                    }
                }
            }
        }
        assertThat(scanned).isGreaterThan(10);
        assertThat(violations).isEmpty();
    }
}
