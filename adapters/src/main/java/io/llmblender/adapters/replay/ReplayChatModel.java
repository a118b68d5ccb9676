package io.llmblender.adapters.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.llmblender.runtime.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A member that answers from recorded outputs instead of calling a model: the prompt (the text of the last user
 * message) is looked up in a table of prompt → answer. Reads MT-bench's layout ({@code question.jsonl} plus a
 * {@code model_answer/<model>.jsonl}, every turn of every question) or a plain JSONL of
 * {@code {"prompt": …, "answer": …}} lines. Lets ensembles, tests and benchmarks run offline on real answers of
 * real models. Immutable; thread-safe.
 */
public final class ReplayChatModel implements ChatModel {
    private final String name;
    private final Map<String, String> answers;

    /**
     * A member answering from {@code answers}.
     *
     * @param name the member's name
     * @param answers prompt → answer; copied
     */
    public ReplayChatModel(String name, Map<String, String> answers) {
        this.name = name;
        this.answers = Collections.unmodifiableMap(new LinkedHashMap<>(answers));
    }

    /**
     * MT-bench: each turn of each question in {@code questions} maps to that turn of the model's answer.
     *
     * @param questions MT-bench's {@code question.jsonl}
     * @param modelAnswers the model's {@code model_answer/<model>.jsonl}
     * @return the member
     */
    public static ReplayChatModel fromMtBench(Path questions, Path modelAnswers) {
        Map<Long, List<String>> turns = new LinkedHashMap<>();
        for (JsonNode q : lines(questions)) {
            turns.put(q.path("question_id").asLong(), strings(q.path("turns")));
        }
        Map<String, String> table = new LinkedHashMap<>();
        String model = null;
        for (JsonNode a : lines(modelAnswers)) {
            model = a.path("model_id").asText(model);
            List<String> qs = turns.get(a.path("question_id").asLong());
            List<String> as = strings(a.path("choices").path(0).path("turns"));
            if (qs == null) {
                continue; // an answer to a question outside this question file
            }
            for (int t = 0; t < Math.min(qs.size(), as.size()); t++) {
                table.putIfAbsent(qs.get(t), as.get(t));
            }
        }
        if (table.isEmpty()) {
            throw new ConfigException(modelAnswers, null, "holds no answer to any question of " + questions);
        }
        return new ReplayChatModel(model == null ? modelAnswers.getFileName().toString() : model, table);
    }

    /**
     * A JSONL of {@code {"prompt": …, "answer": …}} lines.
     *
     * @param name the member's name
     * @param file the JSONL file
     * @return the member
     */
    public static ReplayChatModel fromJsonl(String name, Path file) {
        Map<String, String> table = new LinkedHashMap<>();
        int line = 0;
        for (JsonNode n : lines(file)) {
            line++;
            if (!n.path("prompt").isTextual() || !n.path("answer").isTextual()) {
                throw new ConfigException(file, "prompt/answer", "is missing or not text on line " + line);
            }
            table.put(n.get("prompt").asText(), n.get("answer").asText());
        }
        return new ReplayChatModel(name, table);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        String prompt = lastUserText(request.messages());
        String answer = answers.get(prompt);
        if (answer == null) {
            throw new InvalidRequestException("replay member '" + name + "' has no recorded answer for the prompt \""
                    + abbreviate(prompt) + "\"; it only answers the " + answers.size() + " prompts it recorded");
        }
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(answer))
                .modelName(name)
                .finishReason(FinishReason.STOP)
                .build();
    }

    /**
     * The prompts this member can answer, in file order.
     *
     * @return the prompts
     */
    public List<String> prompts() {
        return List.copyOf(answers.keySet());
    }

    /**
     * The member's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage u && u.hasSingleText()) {
                return u.singleText();
            }
        }
        throw new InvalidRequestException("the request has no user message with text");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static List<JsonNode> lines(Path file) {
        ObjectMapper json = new ObjectMapper();
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> !l.isBlank())
                    .map(l -> {
                        try {
                            return json.readTree(l);
                        } catch (IOException e) {
                            throw new ConfigException(file, null, "has a line that is not JSON: " + e.getMessage(), e);
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new ConfigException(file, null, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
