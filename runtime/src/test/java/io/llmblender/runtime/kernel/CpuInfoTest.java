package io.llmblender.runtime.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CpuInfoTest {
    private static final String CPUINFO = String.join(
            "\n",
            "processor\t: 0",
            "vendor_id\t: GenuineIntel",
            "model name\t: Intel(R) Xeon(R) Platinum 8480+",
            "flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 amx_bf16 amx_tile",
            "",
            "processor\t: 1",
            "model name\t: another model",
            "flags\t\t: fpu",
            "");

    @Test
    void the_first_processors_model_and_flags_are_read_from_proc_cpuinfo() {
        CpuInfo cpu = CpuInfo.parse(CPUINFO);

        assertThat(cpu.model()).isEqualTo("Intel(R) Xeon(R) Platinum 8480+");
        assertThat(cpu.flags())
                .containsExactlyInAnyOrder("fpu", "sse2", "avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile");
        assertThat(cpu.hasBf16()).isTrue();
    }

    @Test
    void bf16_needs_amx_bf16_or_avx512_bf16_and_avx512f_alone_is_not_enough() {
        assertThat(new CpuInfo("x", Set.of("amx_bf16")).hasBf16()).isTrue();
        assertThat(new CpuInfo("x", Set.of("avx512_bf16")).hasBf16()).isTrue();
        assertThat(new CpuInfo("x", Set.of("avx512f", "avx512bw", "avx2")).hasBf16())
                .isFalse();
    }

    @Test
    void a_text_without_flags_means_an_unknown_cpu_without_bf16() {
        CpuInfo cpu = CpuInfo.parse("Processor\t: ARMv7\n");

        assertThat(cpu.model()).isEqualTo("unknown CPU");
        assertThat(cpu.flags()).isEmpty();
        assertThat(cpu.hasBf16()).isFalse();
    }
}
