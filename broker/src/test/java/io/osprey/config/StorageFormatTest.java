package io.osprey.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageFormatTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldWriteKafkasMetaPropertiesAndAcceptItForTheSameNode() throws Exception
    {
        final Path dir = tmp.resolve("logs");
        final MetaProperties meta = StorageFormat.format(dir, "MkU3OEVBNTcwNTJENDM2Qk", 3);

        final Properties props = new Properties();
        props.load(new StringReader(Files.readString(dir.resolve("meta.properties"))));
        assertThat(props).containsOnlyKeys("version", "cluster.id", "node.id", "directory.id");
        assertThat(props.getProperty("version")).isEqualTo("1");
        assertThat(props.getProperty("cluster.id")).isEqualTo("MkU3OEVBNTcwNTJENDM2Qk");
        assertThat(props.getProperty("node.id")).isEqualTo("3");
        assertThat(props.getProperty("directory.id")).matches("[A-Za-z0-9_-]{22}").isEqualTo(meta.directoryId());
        assertThat(dir.resolve("meta.properties.tmp")).doesNotExist();

        assertThat(StorageFormat.check(dir, "MkU3OEVBNTcwNTJENDM2Qk", 3)).isEqualTo("MkU3OEVBNTcwNTJENDM2Qk");
        assertThat(StorageFormat.check(dir, null, 3)).isEqualTo("MkU3OEVBNTcwNTJENDM2Qk");
        assertThat(StorageFormat.read(dir)).isEqualTo(meta);
    }

    @Test
    void shouldLeaveADirectoryFormattedForTheSameClusterAndNodeUntouched() throws Exception
    {
        final MetaProperties first = StorageFormat.format(tmp, "cluster-a", 1);
        final MetaProperties second = StorageFormat.format(tmp, "cluster-a", 1);

        assertThat(second).isEqualTo(first);
        assertThatThrownBy(() -> StorageFormat.format(tmp, "cluster-b", 1))
            .isInstanceOf(StorageFormatException.class)
            .hasMessage("Log directory " + tmp + " is already formatted for cluster.id cluster-a, node.id 1; refusing to"
                + " format it for cluster.id cluster-b, node.id 1 (delete the directory to start it afresh)");
        assertThatThrownBy(() -> StorageFormat.format(tmp, "cluster-a", 2)).isInstanceOf(StorageFormatException.class);
    }

    @Test
    void shouldRefuseAnUnformattedDirectory()
    {
        assertThatThrownBy(() -> StorageFormat.check(tmp, null, 1))
            .isInstanceOf(StorageFormatException.class)
            .hasMessage("Log directory " + tmp + " is not formatted (no meta.properties): run storage format first"
                + " (osprey.sh storage format)");
        assertThatThrownBy(() -> StorageFormat.check(tmp.resolve("missing"), null, 1))
            .hasMessageContaining("is not formatted");
    }

    @Test
    void shouldRefuseADirectoryOfAnotherCluster() throws Exception
    {
        StorageFormat.format(tmp, "clusterA", 1);

        assertThatThrownBy(() -> StorageFormat.check(tmp, "clusterB", 1))
            .isInstanceOf(StorageFormatException.class)
            .hasMessage("meta.properties in " + tmp + " has cluster.id clusterA but the configured cluster.id is clusterB:"
                + " the directory belongs to another cluster");
    }

    @Test
    void shouldRefuseADirectoryOfAnotherNode() throws Exception
    {
        StorageFormat.format(tmp, "clusterA", 1);

        assertThatThrownBy(() -> StorageFormat.check(tmp, "clusterA", 2))
            .isInstanceOf(StorageFormatException.class)
            .hasMessage("meta.properties in " + tmp + " has node.id 1 but this node's node.id is 2:"
                + " the directory belongs to another node");
    }

    @Test
    void shouldRequireAllLogDirectoriesToBelongToOneCluster() throws Exception
    {
        final Path a = tmp.resolve("a");
        final Path b = tmp.resolve("b");
        StorageFormat.format(a, "one", 1);
        StorageFormat.format(b, "one", 1);
        assertThat(StorageFormat.checkAll(List.of(a, b), null, 1)).isEqualTo("one");

        final Path c = tmp.resolve("c");
        StorageFormat.format(c, "two", 1);
        assertThatThrownBy(() -> StorageFormat.checkAll(List.of(a, c), null, 1))
            .hasMessage("meta.properties in " + c + " has cluster.id two but meta.properties in " + a + " has cluster.id one");
    }

    @Test
    void shouldRefuseMalformedMetaProperties() throws Exception
    {
        Files.writeString(tmp.resolve("meta.properties"), "version=0\nbroker.id=1\ncluster.id=x\n");
        assertThatThrownBy(() -> StorageFormat.check(tmp, null, 1))
            .hasMessage("meta.properties in " + tmp + " has version 0; Osprey reads version 1 (KRaft-style) only");

        Files.writeString(tmp.resolve("meta.properties"), "version=1\ncluster.id=x\n");
        assertThatThrownBy(() -> StorageFormat.check(tmp, null, 1))
            .hasMessage("meta.properties in " + tmp + " has no node.id");

        Files.writeString(tmp.resolve("meta.properties"), "version=1\ncluster.id=x\nnode.id=one\n");
        assertThatThrownBy(() -> StorageFormat.check(tmp, null, 1))
            .hasMessage("meta.properties in " + tmp + " has node.id 'one', which is not an integer");
    }

    @Test
    void shouldReadMetaPropertiesWrittenByKafkaWithoutADirectoryId() throws Exception
    {
        Files.writeString(tmp.resolve("meta.properties"), "#\n#Thu Jan 01 00:00:00 UTC 2026\nnode.id=4\nversion=1\ncluster.id=abc\n");

        assertThat(StorageFormat.read(tmp)).isEqualTo(new MetaProperties(1, "abc", 4, null));
        assertThat(StorageFormat.check(tmp, "abc", 4)).isEqualTo("abc");
    }

    @Test
    void shouldRefuseToFormatWithAnUnsafeClusterId()
    {
        assertThatThrownBy(() -> StorageFormat.format(tmp, "a b", 1))
            .isInstanceOf(StorageFormatException.class)
            .hasMessageContaining("'a b' has characters other than letters, digits, '-' and '_'");
        assertThatThrownBy(() -> StorageFormat.format(tmp, "", 1)).isInstanceOf(StorageFormatException.class);
        assertThatThrownBy(() -> StorageFormat.format(tmp, "ok", -1)).isInstanceOf(StorageFormatException.class);
    }

    @Test
    void shouldGenerateKafkaStyleClusterIds()
    {
        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++)
        {
            final String id = StorageFormat.randomClusterId();
            assertThat(id).hasSize(22).matches("[A-Za-z0-9_-]{22}").doesNotStartWith("-");
            final byte[] bytes = java.util.Base64.getUrlDecoder().decode(id);
            assertThat(bytes).hasSize(16);
            assertThat(bytes[6] & 0xf0).isEqualTo(0x40);
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
        // A generated id is a valid cluster.id in server.properties.
        assertThat(BrokerConfig.parse(java.util.Map.of("node.id", "1", "cluster.id", StorageFormat.randomClusterId()))
            .clusterId()).isPresent();
    }
}
