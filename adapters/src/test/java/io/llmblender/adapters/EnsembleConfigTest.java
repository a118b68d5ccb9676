package io.llmblender.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmblender.runtime.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnsembleConfigTest {
    @TempDir
    Path tmp;

    @Test
    void a_valid_file_gives_members_ranker_fuser_and_policy() throws Exception {
        Path file = Files.writeString(tmp.resolve("ensemble.json"), """
                {"name": "team-a",
                 "members": [
                   {"name": "gpt", "provider": "openai", "model": "gpt-4o-mini", "api_key_env": "OPENAI_API_KEY",
                    "timeout_seconds": 30, "max_attempts": 2},
                   {"name": "local", "provider": "openai-compatible", "base_url": "http://127.0.0.1:8000/v1", "model": "llama3"}],
                 "ranker": {"type": "pairrm"},
                 "fuser": {"type": "chat", "member": "gpt"},
                 "top_k": 2}
                """);
        EnsembleConfig c = EnsembleConfig.read(file);
        assertThat(c.name()).isEqualTo("team-a");
        assertThat(c.members()).extracting(MemberSpec::name).containsExactly("gpt", "local");
        assertThat(c.members().get(0).guard().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.members().get(0).guard().maxAttempts()).isEqualTo(2);
        assertThat(c.rankerModel()).isEqualTo("llm-blender/PairRM-hf");
        assertThat(c.policy()).isEqualTo("rank-and-fuse");
        assertThat(c.topK()).isEqualTo(2);
    }

    @Test
    void every_problem_is_reported_with_its_field_and_the_file() throws Exception {
        Path file = Files.writeString(tmp.resolve("bad.json"), """
                {"members": [
                   {"name": "a", "provider": "openia", "model": "x"},
                   {"name": "a", "provider": "openai-compatible", "model": "y", "base_url": "localhost:8000"},
                   {"provider": "ollama", "model": "z", "timeout_seconds": 0}],
                 "ranker": {"type": "bm25"},
                 "fuser": {"type": "chat", "member": "nobody"},
                 "polcy": "rank-only"}
                """);
        assertThatThrownBy(() -> EnsembleConfig.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("field 'members[0].provider' is 'openia'")
                .hasMessageContaining("field 'members[1].name' repeats 'a'")
                .hasMessageContaining("field 'members[1].base_url' is 'localhost:8000'")
                .hasMessageContaining("field 'members[2].name' is missing")
                .hasMessageContaining("field 'members[2].timeout_seconds' is 0")
                .hasMessageContaining("field 'ranker.type' is 'bm25'")
                .hasMessageContaining("field 'fuser.member' is 'nobody'")
                .hasMessageContaining("field 'polcy' is unknown");
    }

    @Test
    void a_missing_key_names_the_variable_to_export() {
        MemberSpec gpt = MemberSpec.builder()
                .name("gpt")
                .provider("openai")
                .model("gpt-4o-mini")
                .apiKeyEnv("OPENAI_API_KEY")
                .build();
        assertThatThrownBy(() -> Members.build(gpt, Map.of(), tmp.resolve("e.json")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("field 'members.gpt.api_key_env' names OPENAI_API_KEY, which is not set");
    }
}
