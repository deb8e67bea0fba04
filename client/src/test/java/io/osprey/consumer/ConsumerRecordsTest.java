package io.osprey.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.osprey.common.TopicPartition;

class ConsumerRecordsTest
{
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition B0 = new TopicPartition("b", 0);

    private static ConsumerRecord<String, String> record(final TopicPartition tp, final long offset)
    {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, "k" + offset, "v" + offset);
    }

    @Test
    void shouldGroupByPartitionAndIterateInOrder()
    {
        final Map<TopicPartition, List<ConsumerRecord<String, String>>> map = new LinkedHashMap<>();
        map.put(A1, List.of(record(A1, 5), record(A1, 6)));
        map.put(B0, List.of(record(B0, 0)));
        map.put(A0, List.of());
        final ConsumerRecords<String, String> records = new ConsumerRecords<>(map);

        assertThat(records.count()).isEqualTo(3);
        assertThat(records.isEmpty()).isFalse();
        assertThat(records.partitions()).as("partitions without records are left out").containsExactly(A1, B0);
        assertThat(records.records(A1)).extracting(ConsumerRecord::offset).containsExactly(5L, 6L);
        assertThat(records.records(A0)).isEmpty();
        assertThat(records.records("a")).extracting(ConsumerRecord::offset).containsExactly(5L, 6L);
        final List<Long> iterated = new ArrayList<>();
        for (final ConsumerRecord<String, String> r : records)
        {
            iterated.add(r.offset());
        }
        assertThat(iterated).containsExactly(5L, 6L, 0L);
    }

    @Test
    void shouldBeEmptyAndImmutable()
    {
        final ConsumerRecords<String, String> empty = ConsumerRecords.empty();
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.count()).isZero();
        assertThat(empty.iterator().hasNext()).isFalse();

        final List<ConsumerRecord<String, String>> list = new ArrayList<>(List.of(record(A0, 1)));
        final ConsumerRecords<String, String> records = new ConsumerRecords<>(Map.of(A0, list));
        list.clear();
        assertThat(records.count()).as("the lists are copied").isEqualTo(1);
        assertThat(records.records(A0).get(0).toString()).contains("partition = 0").contains("offset = 1").contains("value = v1");
    }
}
