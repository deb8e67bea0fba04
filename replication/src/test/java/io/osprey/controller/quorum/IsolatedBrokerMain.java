package io.osprey.controller.quorum;

import io.osprey.common.ErrorCode;
import io.osprey.controller.BrokerInfo;
import io.osprey.controller.Command;
import io.osprey.controller.Response;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The controller side of a broker in its own JVM, for {@link IsolatedBrokerProcessTest}: it
 * registers and heartbeats like a broker, so the test can freeze the whole process (SIGSTOP)
 * the way a network partition or a long pause would cut it off from the quorum.
 * <p>
 * Arguments: {@code voters brokerId aeronDir heartbeatIntervalMs}. Prints
 * {@code REGISTERED incarnation=<uuid> epoch=<long>}, one
 * {@code HEARTBEAT sentMs=<wall ms> answeredMs=<wall ms> error=<code> fenced=<bool>} per
 * answered heartbeat, and {@code ALTER <error> <response>} for each stdin line
 * {@code alter <topic> <partition> <leaderEpoch> <partitionEpoch> <isr,comma,separated>}.
 * {@code stop} or the end of stdin closes the client and exits.
 */
public final class IsolatedBrokerMain
{
    private static final long TIMEOUT_S = 30;

    private IsolatedBrokerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String voters = args[0];
        final int brokerId = Integer.parseInt(args[1]);
        final String aeronDir = args[2];
        final long heartbeatIntervalMs = Long.parseLong(args[3]);
        final UUID incarnation = UUID.randomUUID();
        final ControllerClient client = ControllerClient.start(new ControllerClient.Config("isolated-broker-" + brokerId + "-" + incarnation,
            Voter.parseList(voters), aeronDir, "localhost", 500, TIMEOUT_S * 1_000, 1_000));
        final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try
        {
            final Response registered = client.submit(new Command.RegisterBroker("", 0, brokerId, incarnation,
                List.of("localhost:" + (9090 + brokerId)), null)).get(TIMEOUT_S, TimeUnit.SECONDS);
            if (registered.error() != ErrorCode.NONE)
            {
                throw new IllegalStateException("registration refused: " + registered);
            }
            print("REGISTERED incarnation=" + incarnation + " epoch=" + BrokerInfo.brokerEpochOf(incarnation));
            final List<CompletableFuture<Response>> last = new ArrayList<>(List.of(CompletableFuture.<Response>completedFuture(null)));
            scheduler.scheduleAtFixedRate(() ->
            {
                if (last.get(0).isDone())
                {
                    final long sentMs = System.currentTimeMillis();
                    final CompletableFuture<Response> f = client.submit(new Command.BrokerHeartbeat("", 0, brokerId, incarnation));
                    last.set(0, f);
                    f.thenAccept(r -> print("HEARTBEAT sentMs=" + sentMs + " answeredMs=" + System.currentTimeMillis()
                        + " error=" + r.error() + " fenced=" + ((Response.Lease)r).fenced()));
                }
            }, heartbeatIntervalMs, heartbeatIntervalMs, TimeUnit.MILLISECONDS);

            final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && !line.trim().equals("stop"))
            {
                final String[] f = line.trim().split(" ");
                if (f[0].equals("alter") && f.length == 6)
                {
                    final List<Integer> isr = new ArrayList<>();
                    for (final String id : f[5].split(","))
                    {
                        isr.add(Integer.parseInt(id));
                    }
                    // The proposal as it left the isolated leader: its old epochs, itself with an unknown epoch.
                    final Response r = client.submit(new Command.AlterPartition("", 0, brokerId, f[1], Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]), Integer.parseInt(f[4]), isr,
                        Collections.nCopies(isr.size(), Command.AlterPartition.UNKNOWN_BROKER_EPOCH)))
                        .get(TIMEOUT_S, TimeUnit.SECONDS);
                    print("ALTER " + r.error() + " " + r);
                }
            }
        }
        finally
        {
            scheduler.shutdownNow();
            client.close();
            print("STOPPED");
        }
    }

    private static void print(final String line)
    {
        synchronized (System.out)
        {
            System.out.println(line);
            System.out.flush();
        }
    }
}
