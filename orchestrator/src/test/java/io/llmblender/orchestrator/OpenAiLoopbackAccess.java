package io.llmblender.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.IOException;
import java.util.List;

/** {@link OpenAiLoopback} for tests in other packages of this module. */
public final class OpenAiLoopbackAccess implements AutoCloseable {
    private final OpenAiLoopback loopback;

    public OpenAiLoopbackAccess() throws IOException {
        loopback = new OpenAiLoopback();
    }

    public void answer(String member, String text) {
        loopback.script(member, OpenAiLoopback.Reply.answer(text));
    }

    /** A member that streams its answer in {@code pieces} (OpenAI's server-sent chunks). */
    public void stream(String member, String... pieces) {
        loopback.script(member, OpenAiLoopback.Reply.stream(pieces));
    }

    /** A member that fails with HTTP {@code status}. */
    public void fail(String member, int status) {
        loopback.script(member, OpenAiLoopback.Reply.status(status));
    }

    public OpenAiStreamingChatModel streamingModel(String member) {
        return loopback.streamingModel(member);
    }

    /** A member that never answers while the test runs. */
    public void hang(String member) {
        loopback.script(member, OpenAiLoopback.Reply.hang());
    }

    /** Waits until {@code member}'s server has received {@code n} more requests (false after 30 s). */
    public boolean awaitRequests(String member, int n) throws InterruptedException {
        return loopback.awaitRequests(member, n);
    }

    public int calls(String member) {
        return loopback.calls(member);
    }

    public OpenAiChatModel model(String member) {
        return loopback.model(member);
    }

    public List<JsonNode> requests() {
        return loopback.requests;
    }

    @Override
    public void close() {
        loopback.close();
    }
}
