package io.llmblender.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The DJL PyTorch engine as this project uses it: offline, without telemetry, without autograd.
 *
 * <p>This is the only class that reads or writes system properties. DJL's engine start and every tokenizer
 * creation otherwise call home (an HTTP request to the EC2 metadata address); both checks read
 * {@code ai.djl.offline} and {@code OPT_OUT_TRACKING} from the environment <em>or</em> the system properties,
 * so setting the properties here, before {@link Engine#getInstance()} runs, is enough. A user who set either
 * property explicitly keeps their value.
 *
 * <p>Thread-safe. The engine is a process-wide singleton of DJL's; this class adds no state of its own.
 */
public final class DjlRuntime {
    private DjlRuntime() {}

    /** Held in a nested class so the flags are set exactly once, before the first engine access. */
    private static final class Holder {
        static final Engine ENGINE = start();

        private static Engine start() {
            if (System.getProperty("ai.djl.offline") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            if (System.getProperty("OPT_OUT_TRACKING") == null) {
                System.setProperty("OPT_OUT_TRACKING", "true");
            }
            // Quiet by default: DJL's engine start logs INFO lines and, on a machine without a usable CUDA
            // driver, "Failed to detect GPU count" warnings that say nothing about this project's CPU use. Set
            // before DJL creates its loggers; slf4j-simple reads these per logger. A user's own setting wins, and
            // other SLF4J backends are configured by their own files (README: logger names).
            quietUnlessSet("org.slf4j.simpleLogger.log.ai.djl", "warn");
            quietUnlessSet("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "error");
            Engine engine = Engine.getEngine("PyTorch");
            JniUtils.setGradMode(false);
            return engine;
        }
    }

    private static void quietUnlessSet(String property, String level) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, level);
        }
    }

    /**
     * The PyTorch engine, started offline on first use.
     *
     * @return the shared engine; offline, with gradients off
     */
    public static Engine engine() {
        return Holder.ENGINE;
    }

    /**
     * Starts the engine if needed and turns autograd off on the calling thread. Torch's grad mode is
     * thread-local and a new thread starts with it on (ecosystem notes §3.2), so every thread that runs a
     * forward pass calls this first; it is cheap.
     */
    public static void enterInference() {
        engine();
        JniUtils.setGradMode(false);
    }

    /**
     * A new root manager on the CPU; the caller owns and closes it.
     *
     * @return a new manager on the CPU
     */
    public static NDManager newManager() {
        return engine().newBaseManager(ai.djl.Device.cpu());
    }

    /**
     * A new root manager on {@code device}; the caller owns and closes it.
     *
     * @param device where the manager's arrays live; {@code AUTO} resolves here
     * @return a new manager on the resolved device
     */
    public static NDManager newManager(ComputeDevice device) {
        return engine().newBaseManager(device.resolve());
    }

    /**
     * The number of intra-op threads PyTorch uses (after {@code ai.djl.pytorch.num_threads}, if set).
     *
     * @return the intra-op thread count, at least 1
     */
    public static int threads() {
        engine();
        return JniUtils.getNumThreads();
    }

    /**
     * The value of a system property, or a default; the one door through which the project reads them.
     *
     * @param name the property, e.g. {@code blender.precision}
     * @param fallback returned when the property is unset
     * @return the property's value, or {@code fallback}
     */
    public static String property(String name, String fallback) {
        return System.getProperty(name, fallback);
    }

    /** The user's choice of matmul precision for every model: {@code fp32}, {@code bf16} or {@code auto}. */
    public static final String PRECISION_PROPERTY = "blender.precision";

    /** Set to {@code true} to run bf16 on a CPU without bf16 units (slowly); for tests and benchmarks. */
    public static final String BF16_EMULATE_PROPERTY = "blender.bf16.emulate";

    /**
     * {@code -Dblender.precision}, or {@code auto} when the user chose nothing.
     *
     * @return the raw setting, to be parsed by {@code Precision.parse}
     */
    public static String precisionSetting() {
        return property(PRECISION_PROPERTY, "auto");
    }

    /**
     * {@code -Dblender.bf16.emulate=true}: grant bf16 even where the CPU would run it slowly.
     *
     * @return true when the property is set to {@code true}
     */
    public static boolean bf16Emulation() {
        return Boolean.parseBoolean(property(BF16_EMULATE_PROPERTY, "false"));
    }

    /**
     * The PyTorch version the engine reports, e.g. {@code 2.7.1}.
     *
     * @return the libtorch version string
     */
    public static String engineVersion() {
        return engine().getVersion();
    }
}
