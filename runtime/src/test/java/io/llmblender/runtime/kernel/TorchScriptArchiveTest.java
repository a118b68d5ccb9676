package io.llmblender.runtime.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmblender.runtime.BlenderException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class TorchScriptArchiveTest {
    /** Reads every attribute kind back inside libtorch and reports it through an int, the type update returns. */
    private static final String ATTRIBUTES = String.join(
            "\n",
            "class Probe(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  flag : bool",
            "  small : int",
            "  large : int",
            "  ratio : float",
            "  label : str",
            "  items : List[Tensor]",
            "  def small_value(self) -> int:",
            "    return self.small",
            "  def large_value(self) -> int:",
            "    return self.large",
            "  def checks(self) -> int:",
            "    ok = 0",
            "    if self.flag:",
            "      ok += 1",
            "    if self.ratio == -0.375:",
            "      ok += 10",
            "    if self.label == \"héllo\":",
            "      ok += 100",
            "    if len(self.items) == 0:",
            "      ok += 1000",
            "    if not self.training:",
            "      ok += 10000",
            "    return ok",
            "");

    @Test
    void every_attribute_kind_reaches_libtorch_with_its_value() {
        // given an archive with one attribute of each kind
        TorchScriptArchive archive = TorchScriptArchive.of("Probe", ATTRIBUTES)
                .with("flag", true)
                .with("small", -7L)
                .with("large", 1L << 40) // beyond 32 bits: pickled as LONG1
                .with("ratio", -0.375)
                .with("label", "héllo")
                .withEmptyList("items", "List[Tensor]");
        // when libtorch compiles and loads it
        try (ScriptModule module = ScriptModule.load(archive)) {
            // then each value reads back as written
            assertThat(module.methods()).containsExactlyInAnyOrder("small_value", "large_value", "checks");
            assertThat(module.update("small_value")).isEqualTo(-7L);
            assertThat(module.update("large_value")).isEqualTo(1L << 40);
            assertThat(module.update("checks")).isEqualTo(11111L);
        }
    }

    @Test
    void the_archive_is_a_zip_of_stored_records_under_one_folder_at_format_version_10() throws IOException {
        byte[] bytes = TorchScriptArchive.of("Probe", ATTRIBUTES).toBytes();

        Map<String, String> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
                entries.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        assertThat(entries)
                .containsOnlyKeys("Probe/data.pkl", "Probe/code/__torch__.py", "Probe/constants.pkl", "Probe/version");
        assertThat(entries.get("Probe/version")).isEqualTo("10\n");
        assertThat(entries.get("Probe/code/__torch__.py")).isEqualTo(ATTRIBUTES);
    }

    @Test
    void a_source_libtorch_cannot_compile_fails_naming_the_module_and_the_line() {
        String broken = ATTRIBUTES.replace("return self.small", "return self.nowhere");
        TorchScriptArchive archive = TorchScriptArchive.of("Probe", broken)
                .with("flag", true)
                .with("small", 1L)
                .with("large", 1L)
                .with("ratio", 0.0)
                .with("label", "")
                .withEmptyList("items", "List[Tensor]");

        assertThatThrownBy(() -> ScriptModule.load(archive))
                .isInstanceOf(BlenderException.class)
                .hasMessageContaining("TorchScript module Probe")
                .hasMessageContaining("nowhere");
    }

    @Test
    void a_class_name_that_torchscript_cannot_hold_is_refused() {
        assertThatThrownBy(() -> TorchScriptArchive.of("bf16-kernel", ATTRIBUTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bf16-kernel' is not a TorchScript class name");
    }

    @Test
    void a_missing_source_resource_says_where_it_was_looked_for() {
        assertThatThrownBy(() -> TorchScriptArchive.fromResource(Bf16Kernel.class, "Nowhere.py", "Nowhere"))
                .isInstanceOf(BlenderException.class)
                .hasMessageContaining("'Nowhere.py'")
                .hasMessageContaining(Bf16Kernel.class.getName());
    }
}
