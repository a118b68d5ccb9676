package io.llmblender.runtime.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmblender.runtime.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The precision rules on injected CPUs, so nothing here depends on the machine that runs the tests. */
class PrecisionPolicyTest {
    private static final CpuInfo ZEN2 = new CpuInfo("AMD EPYC 7B12", Set.of("sse4_2", "avx", "avx2", "fma"));

    private final List<String> warnings = new ArrayList<>();

    private PrecisionPolicy policy(CpuInfo cpu, Precision configured, boolean emulate) {
        return new PrecisionPolicy(cpu, configured, emulate, warnings::add);
    }

    @Test
    void an_unchosen_precision_falls_back_to_fp32_with_exactly_one_warning_on_a_cpu_without_bf16() {
        PrecisionPolicy policy = policy(ZEN2, Precision.AUTO, false);

        List<Precision> resolved =
                List.of(policy.resolve(Precision.AUTO), policy.resolve(Precision.AUTO), policy.resolve(Precision.AUTO));

        assertThat(resolved).containsOnly(Precision.FP32);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0))
                .contains("AMD EPYC 7B12")
                .contains("amx_bf16")
                .contains("avx512_bf16")
                .contains("-Dblender.precision=fp32");
    }

    @Test
    void an_explicit_bf16_is_refused_on_a_cpu_without_bf16_naming_the_missing_flags_the_cpu_and_the_way_out() {
        PrecisionPolicy policy = policy(ZEN2, Precision.AUTO, false);

        assertThatThrownBy(() -> policy.resolve(Precision.BF16))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("field 'precision' is bf16")
                .hasMessageContaining("AMD EPYC 7B12")
                .hasMessageContaining("neither amx_bf16 nor avx512_bf16")
                .hasMessageContaining("-Dblender.bf16.emulate=true");
        assertThat(warnings).isEmpty();
    }

    @Test
    void a_bf16_chosen_by_the_users_setting_is_explicit_too() {
        PrecisionPolicy policy = policy(ZEN2, Precision.BF16, false);

        assertThatThrownBy(() -> policy.resolve(Precision.AUTO)).isInstanceOf(ConfigException.class);
    }

    @Test
    void emulation_grants_bf16_explicit_or_not_on_any_cpu_without_a_warning() {
        PrecisionPolicy policy = policy(ZEN2, Precision.AUTO, true);

        assertThat(policy.resolve(Precision.BF16)).isEqualTo(Precision.BF16);
        assertThat(policy.resolve(Precision.AUTO)).isEqualTo(Precision.BF16);
        assertThat(warnings).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"amx_bf16", "avx512_bf16"})
    void a_cpu_with_bf16_units_gets_bf16_by_default_and_on_request(String flag) {
        PrecisionPolicy policy = policy(new CpuInfo("Xeon", Set.of("avx2", flag)), Precision.AUTO, false);

        assertThat(policy.resolve(Precision.AUTO)).isEqualTo(Precision.BF16);
        assertThat(policy.resolve(Precision.BF16)).isEqualTo(Precision.BF16);
        assertThat(warnings).isEmpty();
    }

    @Test
    void fp32_is_granted_everywhere_and_a_users_fp32_setting_silences_the_fallback_warning() {
        CpuInfo sapphireRapids = new CpuInfo("Xeon", Set.of("amx_bf16", "avx512_bf16"));

        assertThat(policy(sapphireRapids, Precision.AUTO, false).resolve(Precision.FP32))
                .isEqualTo(Precision.FP32);
        assertThat(policy(ZEN2, Precision.AUTO, true).resolve(Precision.FP32)).isEqualTo(Precision.FP32);
        assertThat(policy(ZEN2, Precision.FP32, false).resolve(Precision.AUTO)).isEqualTo(Precision.FP32);
        assertThat(policy(sapphireRapids, Precision.FP32, false).resolve(Precision.AUTO))
                .isEqualTo(Precision.FP32);
        assertThat(warnings).isEmpty();
    }

    @Test
    void a_precision_parses_in_any_case_and_a_wrong_one_names_the_choices() {
        assertThat(Precision.parse(" Bf16 ", "precision")).isEqualTo(Precision.BF16);
        assertThat(Precision.parse("fp32", "precision")).isEqualTo(Precision.FP32);

        assertThatThrownBy(() -> Precision.parse("fp16", "-Dblender.precision"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("field '-Dblender.precision' is 'fp16'; use one of fp32, bf16, auto");
    }
}
