package io.llmblender.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.openai.OpenAiChatModel;
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
