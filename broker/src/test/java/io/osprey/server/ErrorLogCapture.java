package io.osprey.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;

/**
 * Records what the in-process broker logs that points at a bug rather than at bad input: any
 * ERROR from an {@code io.osprey} logger (a handler, log agent or admin task that threw), and a
 * WARN carrying an exception from the network layer ("Closing connection ... after an error",
 * an exception that escaped the router). A no-op when logback is not the SLF4J backend.
 * Can also quieten chatty loggers for the duration of a test and restore them afterwards.
 */
final class ErrorLogCapture implements AutoCloseable
{
    private final List<String> events = new ArrayList<>();
    private final Map<String, Level> savedLevels = new HashMap<>();
    private final LoggerContext context;
    private final AppenderBase<ILoggingEvent> appender;

    ErrorLogCapture()
    {
        context = LoggerFactory.getILoggerFactory() instanceof LoggerContext c ? c : null;
        appender = new AppenderBase<>()
        {
            @Override
            protected void append(final ILoggingEvent event)
            {
                if (isSuspicious(event))
                {
                    final IThrowableProxy t = event.getThrowableProxy();
                    synchronized (events)
                    {
                        events.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage() +
                            (t == null ? "" : " (" + t.getClassName() + ": " + t.getMessage() + ")"));
                    }
                }
            }
        };
        if (context != null)
        {
            appender.setContext(context);
            appender.setName("osprey-test-error-capture");
            appender.start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        }
    }

    private static boolean isSuspicious(final ILoggingEvent event)
    {
        if (!event.getLoggerName().startsWith("io.osprey"))
        {
            return false;
        }
        if (event.getLevel().isGreaterOrEqual(Level.ERROR))
        {
            return true;
        }
        return event.getLevel() == Level.WARN && event.getThrowableProxy() != null &&
            event.getLoggerName().startsWith("io.osprey.network");
    }

    /** Sets a logger's level until {@link #close()}; the appender still sees ERROR events. */
    void quieten(final String loggerName, final Level level)
    {
        if (context == null)
        {
            return;
        }
        final Logger logger = context.getLogger(loggerName);
        savedLevels.putIfAbsent(loggerName, logger.getLevel());
        logger.setLevel(level);
    }

    /** The suspicious events seen so far. */
    List<String> events()
    {
        synchronized (events)
        {
            return List.copyOf(events);
        }
    }

    @Override
    public void close()
    {
        if (context == null)
        {
            return;
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
        savedLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }
}
