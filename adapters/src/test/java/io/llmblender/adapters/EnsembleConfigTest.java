package io.llmblender.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmblender.runtime.ComputeDevice;
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

    @Test
    void unknown_fields_inside_members_ranker_and_fuser_are_errors_with_a_did_you_mean() throws Exception {
        Path file = Files.writeString(tmp.resolve("typos.json"), """
                {"members": [
                   {"name": "a", "provider": "replay", "answers": "a.jsonl", "timeout_secs": 30},
                   {"name": "b", "provider": "replay", "answers": "b.jsonl", "colour": "blue"}],
                 "ranker": {"type": "consensus", "strategey": "full"},
                 "fuser": {"type": "chat", "memebr": "a"}}
                """);
        assertThatThrownBy(() -> EnsembleConfig.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("typos.json")
                .hasMessageContaining("field 'members[0].timeout_secs' is unknown; did you mean 'timeout_seconds'?")
                .hasMessageContaining("field 'members[1].colour' is unknown; the fields here are [answers,")
                .hasMessageContaining("field 'ranker.strategey' is unknown; did you mean 'strategy'?")
                .hasMessageContaining("field 'fuser.memebr' is unknown; did you mean 'member'?");
    }

    @Test
    void an_inline_secret_is_refused_with_the_environment_variable_fix_and_never_echoed() throws Exception {
        String secret = "sk-proj-0123456789abcdefghijklmn";
        Path file = Files.writeString(tmp.resolve("secret.json"), """
                {"members": [
                   {"name": "gpt", "provider": "openai", "model": "gpt-4o-mini", "api_key": "%s"},
                   {"name": "gpt2", "provider": "openai", "model": "gpt-4o-mini", "api_key_env": "%s"}],
                 "ranker": {"type": "consensus"}}
                """.formatted(secret, secret));
        assertThatThrownBy(() -> EnsembleConfig.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("field 'members[0].api_key' holds a secret in the file")
                .hasMessageContaining("\"api_key_env\": \"OPENAI_API_KEY\"")
                .hasMessageContaining("field 'members[1].api_key_env' names a variable, not a key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
    }

    @Test
    void invalid_utf8_names_the_file_and_the_byte_offset() throws Exception {
        byte[] head = "{\"name\": \"caf".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] bytes = new byte[head.length + 3];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xC3; // a two-byte lead followed by '(' is not UTF-8
        bytes[head.length + 1] = '(';
        bytes[head.length + 2] = '"';
        Path file = Files.write(tmp.resolve("latin.json"), bytes);
        assertThatThrownBy(() -> EnsembleConfig.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("latin.json")
                .hasMessageContaining("is not valid UTF-8: byte offset " + head.length + " ")
                .hasMessageContaining("save the file as UTF-8");
    }

    @Test
    void ranker_and_fuser_take_a_strategy_a_precision_and_a_device() throws Exception {
        Path file = Files.writeString(tmp.resolve("placed.json"), """
                {"members": [{"name": "a", "provider": "replay", "answers": "a.jsonl"}],
                 "ranker": {"type": "pairrm", "strategy": "top-k", "precision": "fp32", "device": "auto"},
                 "fuser": {"type": "genfuser", "model": "gen_fuser", "precision": "bf16", "device": "cpu"}}
                """);
        EnsembleConfig c = EnsembleConfig.read(file);
        assertThat(c.rankerStrategy()).isEqualTo("top-k");
        assertThat(c.rankerPlacement())
                .isEqualTo(new Placement(io.llmblender.runtime.kernel.Precision.FP32, ComputeDevice.AUTO));
        assertThat(c.fuserPlacement())
                .isEqualTo(new Placement(io.llmblender.runtime.kernel.Precision.BF16, ComputeDevice.CPU));
        Path plain = Files.writeString(tmp.resolve("plain.json"), """
                {"members": [{"name": "a", "provider": "replay", "answers": "a.jsonl"}]}
                """);
        assertThat(EnsembleConfig.read(plain).rankerPlacement()).isEqualTo(Placement.DEFAULT);
        assertThat(EnsembleConfig.read(plain).rankerStrategy()).isEqualTo("full");
    }

    @Test
    void a_mistyped_strategy_precision_or_device_is_named_with_the_allowed_values_and_the_one_meant() throws Exception {
        Path file = Files.writeString(tmp.resolve("typos.json"), """
                {"members": [{"name": "a", "provider": "replay", "answers": "a.jsonl"}],
                 "ranker": {"strategy": "knockuot", "precision": "bf61", "device": "gpus"},
                 "fuser": {"type": "genfuser", "model": "m", "precision": 16, "device": "tpu"}}
                """);
        assertThatThrownBy(() -> EnsembleConfig.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("5 problems")
                .hasMessageContaining("field 'ranker.strategy' is \"knockuot\"; use one of full, bubble, knockout,"
                        + " top-k; did you mean 'knockout'?")
                .hasMessageContaining(
                        "field 'ranker.precision' is \"bf61\"; use one of fp32, bf16, auto; did you mean" + " 'bf16'?")
                .hasMessageContaining(
                        "field 'ranker.device' is \"gpus\"; use one of cpu, gpu, auto; did you mean" + " 'gpu'?")
                .hasMessageContaining("field 'fuser.precision' is 16; use one of fp32, bf16, auto")
                .hasMessageContaining("field 'fuser.device' is \"tpu\"; use one of cpu, gpu, auto");
    }

    @Test
    void a_strategy_that_finds_only_the_best_cannot_feed_a_fuser_and_placement_is_for_models_that_run_here()
            throws Exception {
        Path knockout = Files.writeString(tmp.resolve("knockout.json"), """
                {"members": [{"name": "a", "provider": "replay", "answers": "a.jsonl"}],
                 "ranker": {"strategy": "knockout"}, "fuser": {"type": "chat", "member": "a"}}
                """);
        assertThatThrownBy(() -> EnsembleConfig.read(knockout))
                .hasMessageContaining("field 'ranker.strategy'")
                .hasMessageContaining("is knockout, which finds only the best answer; rank-and-fuse needs the best"
                        + " top_k: use full or top-k");
        Path consensus = Files.writeString(tmp.resolve("consensus.json"), """
                {"members": [{"name": "a", "provider": "replay", "answers": "a.jsonl"}],
                 "ranker": {"type": "consensus", "device": "gpu", "strategy": "bubble"},
                 "fuser": {"type": "chat", "member": "a", "precision": "fp32"}}
                """);
        assertThatThrownBy(() -> EnsembleConfig.read(consensus))
                .hasMessageContaining("field 'ranker.strategy' is bubble, which needs ranker.type pairrm")
                .hasMessageContaining("fields 'ranker.precision' and 'ranker.device' are for pairrm")
                .hasMessageContaining("fields 'fuser.precision' and 'fuser.device' are for a genfuser");
    }
}
