package io.osprey.tools;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.ResponseHeader;
import io.osprey.protocol.message.ApiVersionsRequest;
import io.osprey.protocol.message.ApiVersionsResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * Asks a broker over the Kafka protocol whether it serves: ApiVersions, then Metadata for all
 * topics. Prints one line and exits 0 when both answer; exits 1 otherwise. The scripts use it
 * to wait for a node to be ready and to show it working. With {@code --brokers N} it also
 * exits 1 unless Metadata lists at least N (unfenced) brokers and every partition has a leader;
 * {@code --controller} prints only the active controller's id.
 * <pre>
 *   Probe host:port [--quiet] [--brokers N] [--controller]
 * </pre>
 */
public final class Probe
{
    private Probe()
    {
    }

    public static void main(final String[] args)
    {
        final String target = args.length > 0 ? args[0] : "127.0.0.1:9092";
        final java.util.List<String> flags = java.util.Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        final boolean quiet = flags.contains("--quiet");
        final boolean controllerOnly = flags.contains("--controller");
        final int brokersIndex = flags.indexOf("--brokers");
        final int expectedBrokers = brokersIndex >= 0 && brokersIndex + 1 < flags.size() ? Integer.parseInt(flags.get(brokersIndex + 1)) : 0;
        final int colon = target.lastIndexOf(':');
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))), 2000);
            socket.setSoTimeout(5000);
            final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final short avVersion = 3;
            final ProtocolReader av = call(out, in, ApiKey.API_VERSIONS, avVersion, 1,
                new ApiVersionsRequest("osprey-probe", "1"));
            final ApiVersionsResponse versions = ApiVersionsResponse.read(av, avVersion);
            final short mdVersion = 12;
            final ProtocolReader md = call(out, in, ApiKey.METADATA, mdVersion, 2, new MetadataRequest(null, false, false, false));
            final MetadataResponse metadata = MetadataResponse.read(md, mdVersion);
            int partitions = 0;
            int leaderless = 0;
            for (final MetadataResponse.Topic t : metadata.topics())
            {
                partitions += t.partitions().size();
                for (final MetadataResponse.Partition p : t.partitions())
                {
                    leaderless += p.leaderId() < 0 ? 1 : 0;
                }
            }
            if (controllerOnly)
            {
                System.out.println(metadata.controllerId());
            }
            else if (!quiet)
            {
                System.out.printf("%s serving: cluster %s, %d broker(s), controller %d, %d APIs, %d topic(s), %d partition(s), " +
                    "%d without a leader%n", target, metadata.clusterId(), metadata.brokers().size(), metadata.controllerId(),
                    versions.apiKeys().size(), metadata.topics().size(), partitions, leaderless);
            }
            final boolean complete = metadata.brokers().size() >= expectedBrokers && (expectedBrokers == 0 || leaderless == 0);
            System.exit(versions.errorCode() == 0 && complete ? 0 : 1);
        }
        catch (final IOException | RuntimeException e)
        {
            if (!quiet)
            {
                System.err.println(target + " not serving: " + e);
            }
            System.exit(1);
        }
    }

    private static ProtocolReader call(final DataOutputStream out, final DataInputStream in, final ApiKey api, final short version,
        final int correlationId, final Message body) throws IOException
    {
        final ProtocolWriter w = new ProtocolWriter(128);
        new RequestHeader(api.id, version, correlationId, "osprey-probe").write(w, api.requestHeaderVersion(version));
        w.flexible(api.isFlexible(version));
        body.write(w, version);
        final ByteBuffer request = w.toByteBuffer();
        out.writeInt(request.remaining());
        out.write(request.array(), request.arrayOffset(), request.remaining());
        out.flush();
        final byte[] response = new byte[in.readInt()];
        in.readFully(response);
        final ProtocolReader r = new ProtocolReader(ByteBuffer.wrap(response), false);
        ResponseHeader.read(r, api.responseHeaderVersion(version));
        return new ProtocolReader(r.buffer(), api.isFlexible(version));
    }
}
