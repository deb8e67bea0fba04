package io.osprey.tools;

import io.osprey.config.StorageFormat;

/** Prints a new random cluster id (for scripts that format several nodes of one cluster). */
public final class ClusterId
{
    private ClusterId()
    {
    }

    public static void main(final String[] args)
    {
        System.out.println(StorageFormat.randomClusterId());
    }
}
