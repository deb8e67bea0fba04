package io.osprey.admin;

import java.util.UUID;

/**
 * A topic as {@link Admin#listTopics} sees it. Immutable.
 *
 * @param topicId the id; all zero when the broker did not say (Metadata before v10)
 */
public record TopicListing(String name, UUID topicId, boolean isInternal)
{
}
