package io.osprey.controller.quorum;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.controller.BrokerInfo;
import io.osprey.controller.ClientSession;
import io.osprey.controller.Command;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.PartitionInfo;
import io.osprey.controller.Response;
import io.osprey.controller.TopicInfo;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every command, response, record and image survives encode then decode unchanged; truncation fails cleanly. */
class QuorumCodecTest
{
    private final MessageEncoder encoder = new MessageEncoder();
    private final WireReader reader = new WireReader();

    @Property(tries = 500)
    void shouldRoundTripEveryCommand(@ForAll("commands") final Command command)
    {
        final int length = encoder.command(command, command.clientId(), command.sequence());
        final WireReader r = read(encoder.buffer(), length, MessageEncoder.COMMAND);
        assertThat(ControllerCodec.decodeCommand(r)).isEqualTo(command);
        r.requireEnd();
    }

    @Property(tries = 500)
    void shouldRoundTripEveryResponse(@ForAll("responses") final Response response, @ForAll final long sequence)
    {
        final int length = encoder.response(sequence, response);
        final WireReader r = read(encoder.buffer(), length, MessageEncoder.RESPONSE);
        assertThat(r.getLong()).isEqualTo(sequence);
        assertThat(ControllerCodec.decodeResponse(r)).isEqualTo(response);
        r.requireEnd();
    }

    @Property(tries = 500)
    void shouldRoundTripEveryRecord(@ForAll("records") final MetadataRecord record, @ForAll final long offset)
    {
        final int length = encoder.record(offset, record);
        final WireReader r = read(encoder.buffer(), length, MessageEncoder.RECORD);
        assertThat(r.getLong()).isEqualTo(offset);
        assertThat(ControllerCodec.decodeRecord(r)).isEqualTo(record);
        r.requireEnd();
    }

    @Property(tries = 200)
    void shouldRoundTripImagesThroughTheImageStream(@ForAll("images") final MetadataImage image)
    {
        final List<MetadataRecord> records = ImageRecords.toRecords(image);
        assertThat(ImageRecords.fromRecords(records, image.nextProducerId(), image.lastAppliedOffset())).isEqualTo(image);

        final ImageAssembler assembler = new ImageAssembler();
        assembler.onBegin(read(encoder.buffer(), encoder.imageBegin(image.lastAppliedOffset(), image.nextProducerId(), records.size()),
            MessageEncoder.IMAGE_BEGIN));
        for (final MetadataRecord record : records)
        {
            assembler.onRecord(read(encoder.buffer(), encoder.imageRecord(record), MessageEncoder.IMAGE_RECORD));
        }
        final MetadataImage decoded = assembler.onEnd(read(encoder.buffer(), encoder.imageEnd(image.lastAppliedOffset()),
            MessageEncoder.IMAGE_END));
        assertThat(decoded).isEqualTo(image);
        assertThat(ImageChecksum.of(decoded)).isEqualTo(ImageChecksum.of(image));
    }

    @Property(tries = 200)
    void shouldRefuseEveryTruncationOfARecord(@ForAll("records") final MetadataRecord record)
    {
        final int length = encoder.record(7, record);
        for (int cut = 1; cut < length; cut++)
        {
            final int end = cut;
            assertThatThrownBy(() ->
            {
                final WireReader r = read(encoder.buffer(), end, MessageEncoder.RECORD);
                r.getLong();
                ControllerCodec.decodeRecord(r);
                r.requireEnd();
            }).isInstanceOf(MalformedMessageException.class);
        }
    }

    @Property(tries = 200)
    void shouldEncodeACommandUnderTheGivenIdentity(@ForAll("commands") final Command command, @ForAll final long sequence)
    {
        final int length = encoder.command(command, "broker-7", sequence);
        final WireReader r = read(encoder.buffer(), length, MessageEncoder.COMMAND);
        final Command decoded = ControllerCodec.decodeCommand(r);
        r.requireEnd();

        assertThat(decoded.clientId()).isEqualTo("broker-7");
        assertThat(decoded.sequence()).isEqualTo(sequence);
        assertThat(decoded.getClass()).isEqualTo(command.getClass());
    }

    @Example
    void shouldReadTheOldAlterPartitionLayoutWithUnknownBrokerEpochs()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = new WireWriter().wrap(buffer, 0).putByte(MessageEncoder.COMMAND).putByte(ControllerCodec.ALTER_PARTITION_V0)
            .putString("broker-1").putLong(5).putInt(1).putString("t").putInt(0).putInt(3).putInt(4).putIntList(List.of(1, 2))
            .position();

        final WireReader r = read(buffer, length, MessageEncoder.COMMAND);
        final Command decoded = ControllerCodec.decodeCommand(r);
        r.requireEnd();

        assertThat(decoded).isEqualTo(new Command.AlterPartition("broker-1", 5, 1, "t", 0, 3, 4, List.of(1, 2),
            List.of(Command.AlterPartition.UNKNOWN_BROKER_EPOCH, Command.AlterPartition.UNKNOWN_BROKER_EPOCH)));
    }

    @Property(tries = 200)
    void shouldRefuseEveryTruncationOfACommand(@ForAll("commands") final Command command)
    {
        final int length = encoder.command(command, command.clientId(), command.sequence());
        for (int cut = 1; cut < length; cut++)
        {
            final int end = cut;
            assertThatThrownBy(() ->
            {
                final WireReader r = read(encoder.buffer(), end, MessageEncoder.COMMAND);
                ControllerCodec.decodeCommand(r);
                r.requireEnd();
            }).isInstanceOf(MalformedMessageException.class);
        }
    }

    private WireReader read(final DirectBuffer buffer, final int length, final byte type)
    {
        reader.wrap(buffer, 0, length);
        if (length > 0)
        {
            assertThat(reader.getByte()).isEqualTo(type);
        }
        return reader;
    }

    // ---- generators ----

    private static Arbitrary<String> strings()
    {
        return Arbitraries.strings().ofMaxLength(12);
    }

    private static Arbitrary<String> nullableStrings()
    {
        return strings().injectNull(0.2);
    }

    private static Arbitrary<UUID> uuids()
    {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
    }

    private static Arbitrary<List<Integer>> ints()
    {
        return Arbitraries.integers().between(-1, 1000).list().ofMaxSize(5);
    }

    /** ISR members with their broker epochs, as AlterPartition carries them (equal-length lists). */
    private static Arbitrary<List<Map.Entry<Integer, Long>>> isrWithEpochs()
    {
        return Combinators.combine(Arbitraries.integers().between(-1, 1000), Arbitraries.longs()).as(Map::entry).list().ofMaxSize(5);
    }

    private static Arbitrary<SortedMap<String, String>> configs()
    {
        return Arbitraries.maps(strings(), strings()).ofMaxSize(3).map(m -> (SortedMap<String, String>)new TreeMap<>(m));
    }

    private static Arbitrary<ErrorCode> errors()
    {
        return Arbitraries.of(ErrorCode.class);
    }

    private static Arbitrary<PartitionInfo> partitions()
    {
        return Combinators.combine(ints(), ints(), Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers(), ints(), ints())
            .as(PartitionInfo::new);
    }

    private static Arbitrary<Response.Simple> simples()
    {
        return Combinators.combine(errors(), nullableStrings()).as(Response.Simple::new);
    }

    @Provide
    Arbitrary<Response> responses()
    {
        return Arbitraries.oneOf(
            simples(),
            Combinators.combine(errors(), nullableStrings(), Arbitraries.longs(), Arbitraries.of(true, false)).as(Response.Lease::new),
            Arbitraries.maps(strings(), simples()).ofMaxSize(4).map(m -> new Response.PerItem(new TreeMap<>(m))),
            Combinators.combine(errors(), nullableStrings(), Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers(), ints())
                .as(Response.PartitionState::new),
            Combinators.combine(errors(), Arbitraries.longs(), Arbitraries.integers()).as(Response.ProducerIds::new),
            Combinators.combine(errors(), nullableStrings(), Arbitraries.integers()).as(Response.Reassignment::new));
    }

    @Provide
    Arbitrary<Command> commands()
    {
        final Arbitrary<String> id = strings();
        final Arbitrary<Long> seq = Arbitraries.longs();
        final Arbitrary<Integer> i = Arbitraries.integers();
        final Arbitrary<Command.NewTopic> newTopic = Combinators.combine(strings(), i, i, configs()).as(Command.NewTopic::new);
        final Arbitrary<TopicPartition> tp = Combinators.combine(strings(), i).as(TopicPartition::new);
        return Arbitraries.oneOf(
            Combinators.combine(id, seq, i, uuids(), strings().list().ofMaxSize(3), nullableStrings()).as(Command.RegisterBroker::new),
            Combinators.combine(id, seq, i, uuids()).as(Command.BrokerHeartbeat::new),
            Combinators.combine(id, seq, i).as(Command.UnregisterBroker::new),
            Combinators.combine(id, seq, newTopic.list().ofMaxSize(3)).as(Command.CreateTopics::new),
            Combinators.combine(id, seq, strings().list().ofMaxSize(3)).as(Command.DeleteTopics::new),
            Combinators.combine(id, seq, strings(), i).as(Command.CreatePartitions::new),
            Combinators.combine(id, seq, i, strings(), i, i, i, isrWithEpochs()).as((c, s, b, t, p, le, pe, isr) ->
                new Command.AlterPartition(c, s, b, t, p, le, pe, isr.stream().map(Map.Entry::getKey).toList(),
                    isr.stream().map(Map.Entry::getValue).toList())),
            Combinators.combine(id, seq, tp.list().ofMaxSize(3)).as(Command.ElectLeaders::new),
            Combinators.combine(id, seq, i).as(Command.AllocateProducerIds::new),
            Combinators.combine(id, seq, strings(), configs(), strings().list().ofMaxSize(3)).as(Command.AlterConfigs::new),
            Combinators.combine(id, seq).as(Command.Rebalance::new),
            Combinators.combine(id, seq, Combinators.combine(strings(), i, ints().injectNull(0.3)).as(Command.PartitionTarget::new)
                .list().ofMaxSize(3), Arbitraries.of(true, false)).as(Command.AlterPartitionReassignments::new));
    }

    @Provide
    Arbitrary<MetadataRecord> records()
    {
        final Arbitrary<Integer> i = Arbitraries.integers();
        final Arbitrary<Long> l = Arbitraries.longs();
        return Arbitraries.oneOf(
            Combinators.combine(i, uuids(), strings().list().ofMaxSize(3), nullableStrings(), l).as(MetadataRecord.BrokerRegistered::new),
            Combinators.combine(i, l).as(MetadataRecord.BrokerLeaseRenewed::new),
            i.map(MetadataRecord.BrokerFenced::new),
            Combinators.combine(i, l).as(MetadataRecord.BrokerUnfenced::new),
            i.map(MetadataRecord.BrokerUnregistered::new),
            Combinators.combine(strings(), uuids(), configs()).as(MetadataRecord.TopicCreated::new),
            Combinators.combine(strings(), i, partitions()).as(MetadataRecord.PartitionCreated::new),
            Combinators.combine(strings(), i, partitions()).as(MetadataRecord.PartitionChanged::new),
            strings().map(MetadataRecord.TopicDeleted::new),
            Combinators.combine(strings(), strings(), nullableStrings()).as(MetadataRecord.ConfigChanged::new),
            Combinators.combine(i, l, i).as(MetadataRecord.ProducerIdsAllocated::new),
            Combinators.combine(strings(), l, responses()).as(MetadataRecord.ClientSequenceRecorded::new));
    }

    @Provide
    Arbitrary<MetadataImage> images()
    {
        final Arbitrary<BrokerInfo> broker = Combinators.combine(Arbitraries.integers().between(0, 50), uuids(),
            strings().list().ofMaxSize(2), nullableStrings(), Arbitraries.longs(), Arbitraries.of(true, false)).as(BrokerInfo::new);
        final Arbitrary<TopicInfo> topic = Combinators.combine(strings(), uuids(),
            Arbitraries.maps(Arbitraries.integers().between(0, 20), partitions()).ofMaxSize(4), configs())
            .as((name, id, parts, cfg) -> new TopicInfo(name, id, new TreeMap<>(parts), cfg));
        final Arbitrary<Map<String, ClientSession>> sessions = Arbitraries.maps(strings(),
            Combinators.combine(Arbitraries.longs(), responses()).as(ClientSession::new)).ofMaxSize(3);
        return Combinators.combine(broker.list().ofMaxSize(4), topic.list().ofMaxSize(3), Arbitraries.longs(),
            Arbitraries.longs().between(-1, Long.MAX_VALUE), sessions).as((brokers, topics, nextPid, offset, sess) ->
            {
                final TreeMap<Integer, BrokerInfo> b = new TreeMap<>();
                brokers.forEach(x -> b.put(x.id(), x));
                final TreeMap<String, TopicInfo> t = new TreeMap<>();
                topics.forEach(x -> t.put(x.name(), x));
                return new MetadataImage(b, t, nextPid, offset, new TreeMap<>(sess));
            });
    }
}
