package io.llmblender.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Provider modules are opt-in: this module's classes run in a class loader built from the test classpath without
 * the Anthropic, Gemini and Ollama jars, as in an application that added only langchain4j-open-ai.
 */
class ProviderModuleTest {
    static final List<String> LEFT_OUT =
            List.of("langchain4j-anthropic", "langchain4j-google-ai-gemini", "langchain4j-ollama");

    /** The test classpath minus the left-out provider jars, parented by the platform loader (no app classes). */
    static URLClassLoader withoutOptionalProviders() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        int dropped = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (LEFT_OUT.stream().anyMatch(name::startsWith)) {
                dropped++;
            } else {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        assertThat(dropped).as("the left-out jars were on the test classpath").isEqualTo(LEFT_OUT.size());
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /** {@code Members.build} of a spec, called inside {@code loader}. */
    static Object build(ClassLoader loader, String provider, String baseUrl) throws Throwable {
        Class<?> specs = loader.loadClass(MemberSpec.class.getName());
        Object builder = specs.getMethod("builder").invoke(null);
        Class<?> b = builder.getClass();
        b.getMethod("name", String.class).invoke(builder, "m");
        b.getMethod("provider", String.class).invoke(builder, provider);
        b.getMethod("model", String.class).invoke(builder, "x");
        b.getMethod("baseUrl", String.class).invoke(builder, baseUrl);
        b.getMethod("apiKeyEnv", String.class).invoke(builder, "KEY");
        Object spec = b.getMethod("build").invoke(builder);
        Method build = loader.loadClass(Members.class.getName()).getMethod("build", specs, Map.class, Path.class);
        try {
            return build.invoke(null, spec, Map.of("KEY", "k"), Path.of("ensemble.json"));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void a_member_whose_provider_module_is_missing_is_refused_with_the_artifact_to_add() throws Exception {
        try (URLClassLoader app = withoutOptionalProviders()) {
            for (String[] missing : new String[][] {
                {"anthropic", "langchain4j-anthropic"},
                {"gemini", "langchain4j-google-ai-gemini"},
                {"ollama", "langchain4j-ollama"}
            }) {
                assertThatThrownBy(() -> build(app, missing[0], "http://127.0.0.1:9/v1"))
                        .satisfies(e ->
                                assertThat(e.getClass().getName()).isEqualTo("io.llmblender.runtime.ConfigException"))
                        .hasMessageContaining("ensemble.json")
                        .hasMessageContaining("field 'members.m.provider' is '" + missing[0] + "'")
                        .hasMessageContaining("add the dependency dev.langchain4j:" + missing[1] + ":1.");
            }
        }
    }

    @Test
    void the_providers_that_are_present_still_build_without_the_others_on_the_classpath() throws Throwable {
        try (URLClassLoader app = withoutOptionalProviders()) {
            Object model = build(app, "openai-compatible", "http://127.0.0.1:9/v1");
            assertThat(model.getClass().getName()).isEqualTo("dev.langchain4j.model.openai.OpenAiChatModel");
            assertThat(model.getClass().getClassLoader()).isSameAs(app);
        }
    }

    @Test
    void on_the_full_classpath_every_module_is_found() {
        for (ProviderModule m : ProviderModule.values()) {
            assertThat(m.presentIn(Members.class.getClassLoader()))
                    .as(m.artifactId())
                    .isTrue();
        }
    }
}
