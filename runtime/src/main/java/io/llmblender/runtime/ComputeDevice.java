package io.llmblender.runtime;

import ai.djl.Device;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a model's weights and passes live: the CPU, the first GPU, or the GPU when the engine sees one. Chosen when a
 * model loads; every array of a pass is created on the model's device. GPU runs need DJL's CUDA build of libtorch
 * (see the README) and are not tested in this project's CI. Immutable.
 */
public enum ComputeDevice {
    /** The CPU, whatever else the machine has. */
    CPU,
    /** The first GPU (CUDA device 0); refused by {@link #resolve()} when the engine sees none. */
    GPU,
    /** The first GPU if the engine sees one, else the CPU. */
    AUTO;

    /**
     * {@code cpu}, {@code gpu} or {@code auto}, in any case; {@code field} names the setting in the error.
     *
     * @param text the user's setting, e.g. {@code "GPU"}
     * @param field the setting's name for the error, e.g. {@code ranker.device}
     * @return the device named
     * @throws ConfigException if {@code text} names no device; the message lists the valid ones
     */
    public static ComputeDevice parse(String text, String field) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    null,
                    field,
                    "is '" + text + "'; use one of "
                            + Arrays.stream(values())
                                    .map(d -> d.name().toLowerCase(Locale.ROOT))
                                    .collect(Collectors.joining(", ")));
        }
    }

    /**
     * The DJL device this resolves to on this machine; {@code GPU} without one is refused with the fix.
     *
     * @return {@link Device#cpu()} or {@link Device#gpu()}
     * @throws ConfigException for {@code GPU} when the engine sees no GPU
     */
    public Device resolve() {
        int gpus = DjlRuntime.engine().getGpuCount();
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new ConfigException(
                            null,
                            "device",
                            "is gpu, but the PyTorch engine sees no GPU (it runs the CPU build of libtorch); use cpu,"
                                    + " or put DJL's CUDA build on the classpath as the README describes");
                }
                yield Device.gpu();
            }
        };
    }
}
