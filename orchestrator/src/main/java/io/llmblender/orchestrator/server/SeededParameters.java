package io.llmblender.orchestrator.server;

import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;

/**
 * Where a request's {@code seed} goes. langchain4j's common parameters have no seed; its OpenAI parameters do, and
 * they pass through any member's guard unchanged (a subtype of the common ones), so OpenAI and OpenAI-compatible
 * members receive the seed while other providers take the common fields and ignore it. The OpenAI module is an
 * optional dependency, as it is for the adapters: without it no OpenAI member can exist and the seed has nobody to
 * reach. Stateless.
 */
final class SeededParameters {
    private static final boolean OPENAI = present("dev.langchain4j.model.openai.OpenAiChatRequestParameters");

    private SeededParameters() {}

    /** A parameters builder that carries {@code seed} (if not null) to the members that take one. */
    static DefaultChatRequestParameters.Builder<?> builder(Integer seed) {
        return seed != null && OPENAI ? OpenAi.builder(seed) : DefaultChatRequestParameters.builder();
    }

    private static boolean present(String type) {
        try {
            Class.forName(type, false, SeededParameters.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Loaded only when the OpenAI module is on the classpath. */
    private static final class OpenAi {
        static DefaultChatRequestParameters.Builder<?> builder(int seed) {
            return OpenAiChatRequestParameters.builder().seed(seed);
        }
    }
}
