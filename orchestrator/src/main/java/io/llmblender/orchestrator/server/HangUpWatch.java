package io.llmblender.orchestrator.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Notices a client that hangs up while its request is served. Jetty reads nothing from an HTTP/1.1 connection
 * between the end of a request's body and the end of its response, so a client that leaves then goes unseen
 * until a write fails, which an ensemble that thinks for a minute (or a stream waiting for its first token) may
 * never attempt. This watch asks to be told when the connection becomes readable: end of stream or a reset means
 * the client is gone. A client that sends more bytes meanwhile (HTTP pipelining, which no OpenAI client does)
 * has them dropped and its connection closed after the response, since they cannot be handed back.
 * One per request.
 */
final class HangUpWatch implements Callback {
    private final Request request;
    private final AbstractEndPoint endPoint;
    private final Runnable onHangUp;
    private boolean watching = true;

    private HangUpWatch(Request request, AbstractEndPoint endPoint, Runnable onHangUp) {
        this.request = request;
        this.endPoint = endPoint;
        this.onHangUp = onHangUp;
    }

    /** Watches the request's connection; a transport this watch does not know is left unwatched. */
    static HangUpWatch start(Request request, Runnable onHangUp) {
        EndPoint ep = request.getConnectionMetaData().getConnection().getEndPoint();
        if (!(ep instanceof AbstractEndPoint endPoint)) {
            return null;
        }
        HangUpWatch watch = new HangUpWatch(request, endPoint, onHangUp);
        watch.arm();
        return watch;
    }

    private void arm() {
        endPoint.tryFillInterested(this);
    }

    @Override
    public void succeeded() {
        synchronized (this) {
            if (!watching) {
                return; // the response is over: what is readable now belongs to the next request
            }
            try {
                ByteBuffer probe = BufferUtil.allocate(64);
                int n = endPoint.fill(probe);
                if (n == 0) {
                    arm(); // woken for nothing: keep watching
                } else if (n > 0) {
                    watching = false;
                    Request.addCompletionListener(request, done -> endPoint.close());
                } else {
                    watching = false;
                    onHangUp.run();
                }
            } catch (IOException reset) {
                watching = false;
                onHangUp.run();
            }
        }
    }

    @Override
    public void failed(Throwable x) {
        synchronized (this) {
            if (watching) {
                watching = false;
                onHangUp.run(); // the connection failed (closed, reset, idle) while its request was served
            }
        }
    }

    /** Stops watching before the response completes, so the connection's next request is Jetty's to read. */
    void stop() {
        boolean pending;
        synchronized (this) {
            pending = watching;
            watching = false;
        }
        if (pending && endPoint.isFillInterested()) {
            endPoint.getFillInterest().onFail(new CancellationException("the request is over"));
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // a non-blocking read and an interrupt
    }
}
