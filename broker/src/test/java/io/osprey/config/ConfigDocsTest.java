package io.osprey.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigDocsTest
{
    /** A file of the repository, whether tests run from the root or from the broker module. */
    static Path repoFile(final String relative)
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null)
        {
            final Path candidate = dir.resolve(relative);
            if (Files.exists(candidate))
            {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void shouldMatchTheCommittedConfigurationReference() throws Exception
    {
        final String committed = Files.readString(repoFile("docs/configuration.md"), StandardCharsets.UTF_8);

        assertThat(committed)
            .as("docs/configuration.md is stale; regenerate it with: " + ConfigDocs.REGENERATE)
            .isEqualTo(ConfigDocs.generate());
    }

    @Test
    void shouldListEveryBrokerAndTopicKey()
    {
        final String docs = ConfigDocs.generate();

        for (final ConfigKey key : BrokerConfig.definition().keys())
        {
            assertThat(docs).contains("| `" + key.name() + "` |");
        }
        for (final TopicKey key : TopicConfigs.keys())
        {
            assertThat(docs).contains("| `" + key.name() + "` |");
        }
    }
}
