package io.llmblender.orchestrator.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's side of the server: answers a connection over the limit with 503, reads the body without a thread and
 * within {@code bodyTimeout} (408 past it), then hands the request to the {@link Router} on a worker thread. If
 * the client goes away while its request is served ({@link HangUpWatch}, or a failed write), that thread is
 * interrupted, which cancels the ensemble's members (and a stream's fusion); the interrupt never outlives the
 * request. Thread-safe.
 */
final class JettyHandler extends Handler.Abstract {
    private final Router router;
    private final ConnectionGuard guard;
    private final int maxBodyBytes;
    private final Duration bodyTimeout;
    private final ScheduledExecutorService timers;
    private final Executor workers;

    JettyHandler(
            Router router,
            ConnectionGuard guard,
            int maxBodyBytes,
            Duration bodyTimeout,
            ScheduledExecutorService timers,
            Executor workers) {
        this.router = router;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyTimeout = bodyTimeout;
        this.timers = timers;
        this.workers = workers;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Connection connection = request.getConnectionMetaData().getConnection();
        guard.requestStarted(connection);
        Callback done = new Callback() {
            @Override
            public void succeeded() {
                guard.requestEnded(connection); // the next request's headers are due within the header timeout
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                guard.requestEnded(connection);
                callback.failed(x);
            }
        };
        if (guard.overLimit(connection)) {
            refuse(
                    response,
                    done,
                    new ApiError(
                            503,
                            "server_error",
                            "too_many_connections",
                            "the server is at its limit of " + guard.maxConnections() + " connections; retry shortly",
                            Map.of("Retry-After", "1")));
            return true;
        }
        request.addIdleTimeoutListener(idle -> false); // an ensemble may think for minutes without writing
        CompletableFuture<byte[]> body = "POST".equals(request.getMethod())
                ? BodyReader.read(request, maxBodyBytes)
                : CompletableFuture.completedFuture(new byte[0]);
        ScheduledFuture<?> late = timers.schedule(
                () -> body.completeExceptionally(new ApiError(
                        408,
                        "invalid_request_error",
                        "request_timeout",
                        "the body did not arrive within " + bodyTimeout.toSeconds() + " s; send it at once")),
                bodyTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        body.whenComplete((bytes, failure) -> {
            late.cancel(false);
            workers.execute(() -> serve(request, response, done, bytes, failure));
        });
        return true;
    }

    private void serve(Request request, Response response, Callback done, byte[] bytes, Throwable failure) {
        if (failure != null) {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            refuse(
                    response,
                    done,
                    cause instanceof ApiError e
                            ? e
                            : ApiError.badRequest("the body could not be read; the connection failed mid-body"));
            return;
        }
        Thread worker = Thread.currentThread();
        boolean[] running = {true};
        Runnable cancel = () -> {
            synchronized (running) {
                if (running[0]) {
                    worker.interrupt();
                }
            }
        };
        request.addFailureListener(f -> cancel.run());
        HangUpWatch watch = HangUpWatch.start(request, cancel);
        JettyExchange exchange = new JettyExchange(request, response, bytes, () -> {
            if (watch != null) {
                watch.stop(); // the client may send its next request once it has the whole response
            }
        });
        try {
            router.handle(exchange);
        } finally {
            synchronized (running) {
                running[0] = false;
            }
            if (watch != null) {
                watch.stop();
            }
            boolean cancelled = Thread.interrupted(); // the pool's thread goes back clean
            if (cancelled && !response.isCommitted()) {
                done.failed(new CancellationException("the client went away"));
            } else if (exchange.aborted()) {
                done.failed(new IOException("a stream ended by an error event")); // Jetty drops the connection
            } else {
                done.succeeded();
            }
        }
    }

    /** An error body, and the connection closed after it: what is left of the request is not worth reading. */
    private static void refuse(Response response, Callback done, ApiError e) {
        response.setStatus(e.status);
        e.headers.forEach(response.getHeaders()::put);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Json.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(Json.bytes(e.body())), done);
    }
}
