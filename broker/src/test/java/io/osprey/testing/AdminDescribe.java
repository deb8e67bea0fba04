package io.osprey.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A topic as Kafka's Admin describes it, in a cluster of several brokers. A topic just created is
 * known at once to the broker that forwarded the creation to the controller, and to the others
 * once the committed record reaches them, as in Kafka's KRaft mode; Admin's describeTopics asks
 * any broker and does not retry, so UNKNOWN_TOPIC_OR_PARTITION is retried here for a bounded time.
 */
public final class AdminDescribe
{
    private AdminDescribe()
    {
    }

    /**
     * @param callTimeout how long one describe call may take
     * @param wait        how long an unknown topic is asked about again before the error stands
     */
    public static TopicDescription topic(final Admin admin, final String topic, final Duration callTimeout, final Duration wait)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + wait.toNanos();
        while (true)
        {
            try
            {
                return admin.describeTopics(List.of(topic)).allTopicNames().get(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic);
            }
            catch (final ExecutionException e)
            {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() - deadlineNs > 0)
                {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
