package io.llmblender.orchestrator.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;

/**
 * Bounds what slow or idle connections can hold, the server's answer to slowloris:
 * <ul>
 *   <li>a new connection has {@code headerTimeout} to send its first request's headers; a kept-alive connection
 *       may idle between requests (until the connector's idle timeout), but once it has begun a request it has
 *       {@code headerTimeout} from the end of the previous response to finish its headers; otherwise it is
 *       closed;</li>
 *   <li>past {@code maxConnections} open connections, a new one is answered 503 when it sends a request (see
 *       {@link #overLimit}); past twice that it is closed at once, so no connection is ever left hanging.</li>
 * </ul>
 * Thread-safe.
 */
final class ConnectionGuard implements Connection.Listener {
    private final int maxConnections;
    private final Duration headerTimeout;
    private final ScheduledExecutorService timers;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<Connection, State> states = new ConcurrentHashMap<>();

    /** One connection's standing: over the limit or not, and its pending header deadline. */
    private static final class State {
        final boolean overLimit;
        ScheduledFuture<?> headerDeadline;

        State(boolean overLimit) {
            this.overLimit = overLimit;
        }
    }

    ConnectionGuard(int maxConnections, Duration headerTimeout, ScheduledExecutorService timers) {
        this.maxConnections = maxConnections;
        this.headerTimeout = headerTimeout;
        this.timers = timers;
    }

    @Override
    public void onOpened(Connection connection) {
        int n = open.incrementAndGet();
        if (n > 2 * maxConnections) {
            connection.getEndPoint().close(); // far over the limit: not even a 503 is worth a buffer
            return;
        }
        State state = new State(n > maxConnections);
        states.put(connection, state);
        awaitHeaders(connection, state, -1); // nothing legitimate opens a connection to say nothing
    }

    @Override
    public void onClosed(Connection connection) {
        open.decrementAndGet();
        State state = states.remove(connection);
        if (state != null) {
            cancel(state);
        }
    }

    /** The connection's request headers arrived: no deadline while its request is served. */
    void requestStarted(Connection connection) {
        State state = states.get(connection);
        if (state != null) {
            cancel(state);
        }
    }

    /** Its response is complete: the next request's headers must come within the header timeout. */
    void requestEnded(Connection connection) {
        State state = states.get(connection);
        if (state != null) {
            awaitHeaders(connection, state, connection.getBytesIn());
        }
    }

    /** Whether the connection was opened past the limit, so its request gets a 503 and the connection closes. */
    boolean overLimit(Connection connection) {
        State state = states.get(connection);
        return state == null || state.overLimit;
    }

    int maxConnections() {
        return maxConnections;
    }

    /** Open connections, for tests and the soak. */
    int open() {
        return open.get();
    }

    /**
     * Closes the connection if no request has started by the header timeout; with {@code idleBytesIn} at least 0,
     * only if bytes have come since (a request begun and not finished), so an idle keep-alive connection stays.
     */
    private void awaitHeaders(Connection connection, State state, long idleBytesIn) {
        synchronized (state) {
            cancel(state);
            state.headerDeadline = timers.schedule(
                    () -> {
                        if (idleBytesIn < 0 || connection.getBytesIn() > idleBytesIn) {
                            connection.getEndPoint().close();
                        }
                    },
                    headerTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private static void cancel(State state) {
        synchronized (state) {
            if (state.headerDeadline != null) {
                state.headerDeadline.cancel(false);
                state.headerDeadline = null;
            }
        }
    }
}
