package io.llmblender.adapters;

import io.llmblender.runtime.ConfigException;
import java.nio.file.Path;

/**
 * The langchain4j module each provider needs. The adapters module declares them optional, so an application pays
 * only for the providers it names: it adds the module at the version this release is built with, and this lookup
 * finds it on the classpath, or says which artifact to add.
 */
enum ProviderModule {
    OPENAI("langchain4j-open-ai", "1.19.0", "dev.langchain4j.model.openai.OpenAiChatModel"),
    // no 1.19.0 of the Ollama module exists; 1.18.1 runs on core 1.19.0 (the parent POM pins the same)
    OLLAMA("langchain4j-ollama", "1.18.1", "dev.langchain4j.model.ollama.OllamaChatModel"),
    ANTHROPIC("langchain4j-anthropic", "1.19.0", "dev.langchain4j.model.anthropic.AnthropicChatModel"),
    GEMINI("langchain4j-google-ai-gemini", "1.19.0", "dev.langchain4j.model.googleai.GoogleAiGeminiChatModel");

    private final String artifactId;
    private final String version;
    private final String probe;

    ProviderModule(String artifactId, String version, String probe) {
        this.artifactId = artifactId;
        this.version = version;
        this.probe = probe;
    }

    String artifactId() {
        return artifactId;
    }

    /** The version this project is built and tested with. */
    String version() {
        return version;
    }

    /** Whether {@code loader} sees the module (without initialising any of its classes). */
    boolean presentIn(ClassLoader loader) {
        try {
            Class.forName(probe, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @throws ConfigException naming the Maven coordinates to add when the module is missing
     */
    void require(String provider, ClassLoader loader, Path configFile, String field) {
        if (!presentIn(loader)) {
            throw new ConfigException(
                    configFile,
                    field,
                    "is '" + provider + "', but its langchain4j module is not on the classpath; add the dependency"
                            + " dev.langchain4j:" + artifactId + ":" + version + " to your application");
        }
    }
}
