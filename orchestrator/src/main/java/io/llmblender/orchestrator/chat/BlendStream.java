package io.llmblender.orchestrator.chat;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Blender;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed blend: runs {@link Blender#blend(ChatRequest, Consumer)} and turns its pieces into langchain4j's
 * callbacks. As langchain4j's own models do, an exception thrown by the handler's {@code onPartialResponse} goes
 * to its {@code onError} and the stream goes on; one thrown by {@code onError} is logged. Once cancelled, the
 * handler hears nothing more.
 */
final class BlendStream implements Runnable, Consumer<String>, StreamingHandle {
    private static final Logger LOG = LoggerFactory.getLogger(BlendStream.class);

    private final Blender blender;
    private final ChatRequest request;
    private final StreamingChatResponseHandler handler;
    private volatile boolean cancelled;
    private Thread worker; // guarded by this: interrupted only while it runs this blend

    BlendStream(Blender blender, ChatRequest request, StreamingChatResponseHandler handler) {
        this.blender = blender;
        this.request = request;
        this.handler = handler;
    }

    @Override
    public void run() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            worker = Thread.currentThread();
        }
        try {
            BlendResult result = blender.blend(request, this);
            if (!cancelled) {
                handler.onCompleteResponse(BlenderChatModel.response(result));
            }
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            synchronized (this) {
                worker = null;
            }
            Thread.interrupted(); // a cancel's interrupt must not leak into the executor's next task
        }
    }

    @Override
    public void accept(String piece) {
        if (cancelled) {
            throw new CancellationException("the caller cancelled the stream");
        }
        if (piece.isEmpty()) {
            return;
        }
        try {
            handler.onPartialResponse(new PartialResponse(piece), new PartialResponseContext(this));
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Reports {@code e} through {@code onError}, unless the caller cancelled. */
    void fail(Throwable e) {
        if (cancelled) {
            return;
        }
        try {
            handler.onError(e);
        } catch (RuntimeException inHandler) {
            LOG.warn("the streaming handler's onError threw: {}", inHandler.toString());
        }
    }

    @Override
    public synchronized void cancel() {
        cancelled = true;
        if (worker != null) {
            worker.interrupt(); // Blender stops waiting and cancels its members
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }
}
