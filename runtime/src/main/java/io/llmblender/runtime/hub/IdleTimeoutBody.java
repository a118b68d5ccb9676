package io.llmblender.runtime.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as an {@link InputStream} whose every read waits at most {@code idle} for data. The JDK's
 * {@code HttpClient} times only the wait for the response headers, so a server that stalls in the middle of a
 * body would block a {@code BodyHandlers.ofInputStream()} reader for ever.
 *
 * <p>The client's thread hands each chunk to a queue and gets the next one only when the reader has taken it
 * (one chunk in flight, so a fast server cannot fill the heap); a read polls the queue with the timeout, and a
 * timeout or an early {@code close} cancels the exchange. Used by one reader thread.
 */
final class IdleTimeoutBody implements HttpResponse.BodySubscriber<InputStream> {
    private static final Object END = new Object();

    private final Duration idle;
    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>(); // List<ByteBuffer>, Throwable, END
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();

    IdleTimeoutBody(Duration idle) {
        this.idle = idle;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription.complete(s);
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> chunk) {
        arrived.add(chunk);
    }

    @Override
    public void onError(Throwable failure) {
        arrived.add(failure);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(new Stream());
    }

    private void cancel() {
        subscription.thenAccept(Flow.Subscription::cancel);
    }

    private final class Stream extends InputStream {
        private Iterator<ByteBuffer> chunk = Collections.emptyIterator();
        private ByteBuffer current = ByteBuffer.allocate(0);
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (!current.hasRemaining()) {
                if (chunk.hasNext()) {
                    current = chunk.next();
                } else if (ended || !nextChunk()) {
                    return -1;
                }
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            return n;
        }

        /** Waits for the next chunk; false at the end of the body. */
        @SuppressWarnings("unchecked")
        private boolean nextChunk() throws IOException {
            Object next;
            try {
                next = arrived.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
                throw new InterruptedIOException("interrupted while waiting for the response body");
            }
            if (next == null) {
                cancel();
                throw new HttpTimeoutException(
                        "received no data for " + idle.toMillis() + " ms (the read timeout); the server stalled");
            }
            if (next == END) {
                ended = true;
                return false;
            }
            if (next instanceof Throwable failure) {
                ended = true;
                throw failure instanceof IOException io ? io : new IOException(failure);
            }
            chunk = ((List<ByteBuffer>) next).iterator();
            subscription.thenAccept(s -> s.request(1));
            return true;
        }

        @Override
        public void close() {
            if (!ended) {
                ended = true;
                cancel(); // tells the client to drop the rest of the body and the connection
            }
        }
    }
}
