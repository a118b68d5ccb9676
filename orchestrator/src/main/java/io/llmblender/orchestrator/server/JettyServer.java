package io.llmblender.orchestrator.server;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport under {@link BlenderServer}: Jetty's server with one HTTP/1.1 connector, its thread pool, the
 * connection guard and the timers that enforce the header and body timeouts, handing every request to the
 * {@link Router}. Kept apart so the server's public class holds the API and the lifecycle only. Thread-safe.
 */
final class JettyServer {
    private static final Logger LOG = LoggerFactory.getLogger(JettyServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;
    private final ScheduledExecutorService timers;
    private final ServerSettings limits;

    JettyServer(Router router, ServerSettings limits) {
        this.limits = limits;
        // threads for every admitted request, the cheap GETs beside them, and Jetty's own acceptor and selector
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(16, 2 * limits.maxConcurrent() + 8), 4);
        threads.setName("blender-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "blender-http-timer");
            t.setDaemon(true);
            return t;
        });
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(16 * 1024);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(limits.host());
        connector.setPort(limits.port());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        this.guard = new ConnectionGuard(limits.maxConnections(), limits.headerTimeout(), timers);
        connector.addEventListener(guard);
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(
                new JettyHandler(router, guard, limits.maxBodyBytes(), limits.bodyTimeout(), timers, threads));
    }

    /** Binds and starts; on failure nothing is left running. */
    void start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            timers.shutdownNow();
            throw e;
        } catch (Exception e) {
            timers.shutdownNow();
            throw new IOException("cannot listen on " + limits.host() + ":" + limits.port() + ": " + e.getMessage(), e);
        }
        LOG.info("serving on http://{}:{}", limits.host(), port());
    }

    int port() {
        return connector.getLocalPort();
    }

    int openConnections() {
        return guard.open();
    }

    void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the HTTP server did not stop cleanly: {}", e.toString());
        }
        timers.shutdownNow();
    }
}
