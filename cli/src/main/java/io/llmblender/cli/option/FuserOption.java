package io.llmblender.cli.option;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.chat.ChatModelFuser;
import io.llmblender.fuser.genfuser.GenFuser;
import io.llmblender.runtime.ComputeDevice;
import io.llmblender.runtime.ProgressBar;
import io.llmblender.runtime.hub.HubClient;
import io.llmblender.runtime.kernel.Precision;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --fuser}: a GenFuser folder or hub id, or {@code chat:openai:MODEL[@BASE_URL]} for any OpenAI-compatible
 * chat endpoint (the key comes from {@code OPENAI_API_KEY}, if set).
 */
public final class FuserOption {
    /** The option's raw value: a GenFuser folder or hub id, or {@code chat:openai:MODEL[@BASE_URL]}. */
    @Option(
            names = "--fuser",
            required = true,
            paramLabel = "DIR_OR_HUB_ID|chat:openai:MODEL[@BASE_URL]",
            description = "a GenFuser folder or hub id (e.g. llm-blender/gen_fuser_3b), or a chat model such as"
                    + " chat:openai:gpt-4o-mini or chat:openai:llama3@http://127.0.0.1:8000/v1")
    public String fuser;

    /** {@code --precision}: fp32, bf16 or auto, for a GenFuser (a chat fuser has no precision to choose). */
    @Option(
            names = "--precision",
            defaultValue = "auto",
            paramLabel = "P",
            description = "GenFuser matmul precision: fp32 (exact), bf16 (the CPU's bf16 matrix units, as the"
                    + " reference runs GenFuser; refused where there are none), auto (default: bf16 where the CPU"
                    + " has amx_bf16 or avx512_bf16, else fp32 after one warning)")
    public String precision;

    /**
     * The fuser, and whether it is a GenFuser (which then needs closing).
     *
     * @param err where download and load progress go
     * @param options the GenFuser's decoding options (ignored by a chat fuser)
     * @return the fuser; the caller closes it if it is a GenFuser
     */
    public Fuser load(PrintWriter err, GenFuser.Options options) {
        if (fuser.startsWith("chat:")) {
            return chat(fuser.substring("chat:".length()));
        }
        Path folder = Path.of(fuser);
        Precision matmuls = Precision.parse(precision, "--precision");
        GenFuser genFuser;
        if (Files.isDirectory(folder)) {
            genFuser = GenFuser.load(folder, matmuls, ComputeDevice.CPU);
        } else {
            java.util.Map<String, ProgressBar> bars = new java.util.HashMap<>();
            genFuser = GenFuser.fromHub(
                    fuser,
                    HubClient.fromEnvironment(
                            System.getenv(),
                            (file, done, total) -> bars.computeIfAbsent(
                                            file, f -> new ProgressBar(err, "Downloading " + f, true))
                                    .update(done, total)),
                    matmuls,
                    ComputeDevice.CPU);
        }
        ProgressBar bar = new ProgressBar(err, "Fusing (decoder steps)", false);
        return genFuser.withOptions(options).withProgress(bar::update);
    }

    private static Fuser chat(String spec) {
        return new ChatModelFuser(chatModel(spec, "--fuser chat:"));
    }

    /**
     * An OpenAI-protocol chat model from {@code openai:MODEL[@BASE_URL]}; the key comes from OPENAI_API_KEY.
     *
     * @param spec {@code openai:MODEL[@BASE_URL]}
     * @param option the option the spec came from, named in errors
     * @return the chat model
     */
    public static OpenAiChatModel chatModel(String spec, String option) {
        String[] parts = spec.split(":", 2);
        if (parts.length != 2 || !parts[0].equals("openai") || parts[1].isBlank()) {
            throw new IllegalArgumentException(option + spec + " is not understood; use"
                    + " chat:openai:MODEL or chat:openai:MODEL@BASE_URL (any OpenAI-compatible server)");
        }
        String model = parts[1];
        String baseUrl = "https://api.openai.com/v1";
        int at = model.indexOf('@');
        if (at >= 0) {
            baseUrl = model.substring(at + 1);
            model = model.substring(0, at);
        }
        String key = System.getenv("OPENAI_API_KEY");
        if (at < 0 && (key == null || key.isBlank())) {
            // OpenAI itself answers 401 only after the request went out; say what is missing before that
            throw new IllegalArgumentException(
                    option + spec + " calls api.openai.com, which needs OPENAI_API_KEY; export it, or name a keyless"
                            + " OpenAI-compatible server with @BASE_URL");
        }
        return OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                .modelName(model)
                .apiKey(key)
                .maxRetries(0)
                .httpClientBuilder(JdkHttpClient.builder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1))
                        .connectTimeout(Duration.ofSeconds(10))
                        .readTimeout(Duration.ofMinutes(5)))
                .build();
    }
}
