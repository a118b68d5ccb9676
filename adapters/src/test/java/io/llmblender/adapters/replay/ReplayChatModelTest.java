package io.llmblender.adapters.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.NonRetriableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayChatModelTest {
    @Test
    void mt_bench_answers_replay_turn_by_turn(@TempDir Path tmp) throws Exception {
        Path q = Files.writeString(
                tmp.resolve("question.jsonl"),
                "{\"question_id\": 81, \"category\": \"writing\", \"turns\": [\"Write a haiku.\", \"Now in French.\"]}\n");
        Path a = Files.writeString(
                tmp.resolve("gpt-4.jsonl"),
                "{\"question_id\": 81, \"model_id\": \"gpt-4\", \"choices\":"
                        + " [{\"index\": 0, \"turns\": [\"Old pond, frog jumps in.\", \"Vieil etang.\"]}]}\n");
        ReplayChatModel m = ReplayChatModel.fromMtBench(q, a);
        assertThat(m.name()).isEqualTo("gpt-4");
        assertThat(m.chat("Write a haiku.")).isEqualTo("Old pond, frog jumps in.");
        assertThat(m.chat(List.of(
                                UserMessage.from("Write a haiku."),
                                AiMessage.from("Old pond, frog jumps in."),
                                UserMessage.from("Now in French.")))
                        .aiMessage()
                        .text())
                .isEqualTo("Vieil etang.");
        assertThatThrownBy(() -> m.chat("Something else"))
                .isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("replay member 'gpt-4' has no recorded answer");
    }
}
