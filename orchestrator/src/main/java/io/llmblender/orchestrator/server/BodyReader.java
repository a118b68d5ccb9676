package io.llmblender.orchestrator.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body without holding a thread while the client is slow: chunks are taken as they arrive (Jetty's
 * demand callbacks), up to {@code maxBytes}; past it the read fails with a 413. The caller bounds the time.
 * One per request.
 */
final class BodyReader {
    private final Request request;
    private final int maxBytes;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> done = new CompletableFuture<>();

    private BodyReader(Request request, int maxBytes) {
        this.request = request;
        this.maxBytes = maxBytes;
    }

    /** The whole body, or a failure: {@link ApiError} 413 when too long, the read's failure otherwise. */
    static CompletableFuture<byte[]> read(Request request, int maxBytes) {
        if (request.getLength() > maxBytes) {
            return CompletableFuture.failedFuture(ApiError.tooLarge(maxBytes)); // refused before a byte is read
        }
        BodyReader reader = new BodyReader(request, maxBytes);
        reader.pump();
        return reader.done;
    }

    private void pump() {
        while (!done.isDone()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this::pump); // nothing yet: called back when more arrives
                return;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    done.completeExceptionally(chunk.getFailure());
                    return;
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                if (bytes.size() + buffer.remaining() > maxBytes) {
                    done.completeExceptionally(ApiError.tooLarge(maxBytes));
                    return;
                }
                byte[] piece = new byte[buffer.remaining()];
                buffer.get(piece);
                bytes.write(piece, 0, piece.length);
                if (chunk.isLast()) {
                    done.complete(bytes.toByteArray());
                }
            } finally {
                chunk.release();
            }
        }
    }
}
