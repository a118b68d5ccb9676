package io.llmblender.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.llmblender.runtime.DjlRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A valid file of every dtype a checkpoint can declare, through the real loaders, in a forked JVM: DJL 0.36's
 * engine aborts the process (exit 134, no Java exception) on arrays of some types (U16, I16, U32, U64, BF16),
 * so only a separate JVM can show that no file reaches one. Each file holds one (2, 3) tensor {@code t}; the child
 * loads it with {@link TensorSource#load} (any tensor) and with {@link StateDict#take} (a weight), and prints what
 * came back. A child that dies is reported with the case it was running and restarted on the remaining ones, so
 * one crash does not hide the others.
 */
class EveryDtypeTest {
    /** The values each dtype's tensor holds: its extremes where they test a widening. */
    static final Map<DType, double[]> VALUES = new LinkedHashMap<>();

    static {
        VALUES.put(DType.BOOL, new double[] {1, 0, 1, 1, 0, 0});
        VALUES.put(DType.U8, new double[] {0, 1, 127, 128, 200, 255});
        VALUES.put(DType.I8, new double[] {-128, -1, 0, 1, 100, 127});
        VALUES.put(DType.U16, new double[] {0, 1, 32767, 32768, 40000, 65535});
        VALUES.put(DType.I16, new double[] {-32768, -1, 0, 1, 1000, 32767});
        VALUES.put(DType.F16, new double[] {1, -2, 0.5, 65504, 0x1p-24, 0});
        VALUES.put(DType.BF16, new double[] {1, -2, 0.5, 256, 0.15625, 0x1p-126});
        VALUES.put(DType.U32, new double[] {0, 1, 2147483647, 2147483648L, 3e9, 4294967295L});
        VALUES.put(DType.I32, new double[] {Integer.MIN_VALUE, -1, 0, 1, 123456, Integer.MAX_VALUE});
        VALUES.put(DType.F32, new double[] {1.5, -2.25, 3.0e38f, 1e-30f, 0, -0.0});
        VALUES.put(DType.U64, new double[] {0, 1, 2, 3, 4, 0x1p63});
        VALUES.put(DType.I64, new double[] {-0x1p53, -1, 0, 1, 0x1p40, 0x1p53});
        VALUES.put(DType.F64, new double[] {1.5, -2.25, 0.1, 1e30, 0, 1.0 / 3});
        VALUES.put(DType.F8_E4M3, new double[] {0, 1, 2, 3, 4, 5});
        VALUES.put(DType.F8_E5M2, new double[] {0, 1, 2, 3, 4, 5});
    }

    /** torch's storage types and the dtype each holds (torch/storage.py). */
    static final Map<String, DType> STORAGES = new LinkedHashMap<>();

    static {
        STORAGES.put("FloatStorage", DType.F32);
        STORAGES.put("HalfStorage", DType.F16);
        STORAGES.put("BFloat16Storage", DType.BF16);
        STORAGES.put("DoubleStorage", DType.F64);
        STORAGES.put("LongStorage", DType.I64);
        STORAGES.put("IntStorage", DType.I32);
        STORAGES.put("ShortStorage", DType.I16);
        STORAGES.put("CharStorage", DType.I8);
        STORAGES.put("ByteStorage", DType.U8);
        STORAGES.put("BoolStorage", DType.BOOL);
    }

    /** What {@link TensorSource#load} must make of each dtype: exact values in a type the engine holds. */
    static final Map<DType, DataType> LOADED_AS = Map.ofEntries(
            Map.entry(DType.BOOL, DataType.BOOLEAN),
            Map.entry(DType.U8, DataType.UINT8),
            Map.entry(DType.I8, DataType.INT8),
            Map.entry(DType.U16, DataType.INT32),
            Map.entry(DType.I16, DataType.INT32),
            Map.entry(DType.F16, DataType.FLOAT32),
            Map.entry(DType.BF16, DataType.FLOAT32),
            Map.entry(DType.U32, DataType.INT64),
            Map.entry(DType.I32, DataType.INT32),
            Map.entry(DType.F32, DataType.FLOAT32),
            Map.entry(DType.I64, DataType.INT64),
            Map.entry(DType.F64, DataType.FLOAT64));

    @TempDir
    Path tmp;

    @Test
    void every_dtype_loads_exactly_or_is_refused_by_name_and_no_file_takes_the_jvm_down() throws Exception {
        // given a valid file of every safetensors dtype and a PyTorch zip of every storage type
        Map<String, DType> cases = new LinkedHashMap<>();
        for (DType dtype : VALUES.keySet()) {
            Path file = Checkpoints.write(tmp, dtype + ".safetensors", safetensorsOfOne(dtype, VALUES.get(dtype)));
            cases.put(file.toString(), dtype);
        }
        for (Map.Entry<String, DType> s : STORAGES.entrySet()) {
            byte[] data = bytesOf(s.getValue(), VALUES.get(s.getValue()));
            byte[] pickle = PickleWriter.stateDictOfOne("t", s.getKey(), 6, 0, new long[] {2, 3}, new long[] {3, 1});
            Path file = TorchZip.write(
                    tmp.resolve(s.getKey() + ".bin"), "archive/", Map.of("data.pkl", pickle, "data/0", data));
            cases.put(file.toString(), s.getValue());
        }

        // when a child JVM loads each of them
        Map<String, String> outcomes = runInChildJvms(new ArrayList<>(cases.keySet()));

        // then each loads with its exact values or is refused naming the file, the tensor and the dtype
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (Map.Entry<String, DType> c : cases.entrySet()) {
            String file = c.getKey();
            DType dtype = c.getValue();
            double[] values = VALUES.get(dtype);
            DataType loaded = LOADED_AS.get(dtype);
            expected.add("load " + file + ": "
                    + (loaded == null ? "refused, naming " + dtype : loaded + " " + Arrays.toString(values)));
            boolean weight = dtype == DType.F16 || dtype == DType.BF16 || dtype == DType.F32 || dtype == DType.F64;
            expected.add("weight " + file + ": "
                    + (weight ? "float32 " + Arrays.toString(asFloats(values)) : "refused, naming " + dtype));
            actual.add(named(outcomes.getOrDefault("load " + file, "load " + file + ": no answer"), file, dtype));
            actual.add(named(outcomes.getOrDefault("weight " + file, "weight " + file + ": no answer"), file, dtype));
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void the_dtype_table_maps_only_to_types_the_engine_holds() {
        for (DType dtype : DType.values()) {
            assertThat(dtype.loadedAs())
                    .as(dtype.name())
                    .isEqualTo(java.util.Optional.ofNullable(LOADED_AS.get(dtype)));
            dtype.loadedAs()
                    .ifPresent(t -> assertThat(TensorBytes.ENGINE_TYPES)
                            .as(dtype.name())
                            .contains(t));
        }
    }

    /**
     * A refusal line shortened to "refused, naming DTYPE" when its message names the file, the tensor and the
     * dtype, as every refusal must; any other line is kept whole, so a mismatch shows what the loader said.
     */
    static String named(String line, String file, DType dtype) {
        int refused = line.indexOf(": refused ");
        if (refused < 0) {
            return line;
        }
        String message = line.substring(refused + ": refused ".length());
        boolean names =
                message.startsWith(file) && message.contains("'t'") && message.matches("(?s).*\\b" + dtype + "\\b.*");
        return names ? line.substring(0, refused) + ": refused, naming " + dtype : line;
    }

    /** The values as float32 would round them, printed as doubles: what a weight of any float dtype becomes. */
    static double[] asFloats(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** A safetensors file with one (2, 3) tensor {@code t} of {@code dtype} holding {@code values}. */
    static byte[] safetensorsOfOne(DType dtype, double[] values) {
        byte[] data = bytesOf(dtype, values);
        String header =
                "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":[2,3],\"data_offsets\":[0," + data.length + "]}}";
        return Checkpoints.assemble(header, data);
    }

    /** {@code values} encoded little-endian as {@code dtype}. */
    static byte[] bytesOf(DType dtype, double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (dtype) {
                case BOOL, U8, I8, F8_E4M3, F8_E5M2 -> b.put((byte) (long) v);
                case U16, I16 -> b.putShort((short) (long) v);
                case U32, I32 -> b.putInt((int) (long) v);
                case U64 -> b.putLong(v >= 0x1p63 ? Long.MIN_VALUE : (long) v); // 2^63: a value I64 cannot hold
                case I64 -> b.putLong((long) v);
                case F16 -> b.putShort(toHalf((float) v));
                case BF16 -> b.putShort((short) (Float.floatToIntBits((float) v) >>> 16)); // exact for these values
                case F32 -> b.putFloat((float) v);
                case F64 -> b.putDouble(v);
            }
        }
        return b.array();
    }

    /** binary16 bits of a float that is exactly a half value (normal or subnormal). */
    static short toHalf(float f) {
        for (int h = 0; h < 0x10000; h++) {
            if (Float.compare(TensorBytes.halfToFloat(h), f) == 0) {
                return (short) h;
            }
        }
        throw new IllegalArgumentException(f + " is not a half-precision value");
    }

    /**
     * Runs {@link Child} on {@code files}, again on the rest after any death, and returns each line it printed by
     * its {@code load <file>}/{@code weight <file>} prefix; a death becomes the outcome of the case it interrupted.
     */
    private static Map<String, String> runInChildJvms(List<String> files) throws IOException, InterruptedException {
        Map<String, String> outcomes = new LinkedHashMap<>();
        List<String> remaining = new ArrayList<>(files);
        while (!remaining.isEmpty()) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-Dai.djl.offline=true",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Child.class.getName()));
            command.addAll(remaining);
            Process child =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String running = null;
            List<String> log = new ArrayList<>();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("begin ")) {
                        running = line.substring("begin ".length());
                        remaining.remove(running);
                    } else if (line.startsWith("load ") || line.startsWith("weight ")) {
                        outcomes.put(line.substring(0, line.indexOf(": ")), line);
                    } else {
                        log.add(line);
                    }
                }
            }
            assertThat(child.waitFor(120, TimeUnit.SECONDS))
                    .as("the child JVM ends")
                    .isTrue();
            int exit = child.exitValue();
            if (exit != 0) {
                assertThat(running)
                        .as("the child died (exit %d) before its first case:%n%s", exit, String.join("\n", log))
                        .isNotNull();
                String death = ": the JVM died (exit " + exit + ")";
                outcomes.putIfAbsent("load " + running, "load " + running + death);
                outcomes.putIfAbsent("weight " + running, "weight " + running + death);
            }
        }
        return outcomes;
    }

    /** The forked side: loads each file given and prints one line per way of loading it. */
    public static final class Child {
        public static void main(String[] files) {
            try (NDManager manager = DjlRuntime.newManager()) {
                for (String file : files) {
                    System.out.println("begin " + file);
                    System.out.flush(); // the parent must see which case was running if the engine aborts
                    Path path = Path.of(file);
                    System.out.println("load " + file + ": "
                            + outcome(() -> {
                                try (TensorSource source = TensorSource.open(path)) {
                                    NDArray a = source.load("t", manager);
                                    return a.getDataType() + " " + Arrays.toString(asDoubles(a));
                                }
                            }));
                    System.out.println("weight " + file + ": "
                            + outcome(() -> {
                                try (TensorSource source = TensorSource.open(path)) {
                                    StateDict weights = new StateDict(source, manager, "a test architecture");
                                    NDArray w = weights.take("t", 2, 3);
                                    weights.finish();
                                    return (w.getDataType() == DataType.FLOAT32 ? "float32 " : w.getDataType() + " ")
                                            + Arrays.toString(asDoubles(w));
                                }
                            }));
                    System.out.flush();
                }
            }
        }

        private static double[] asDoubles(NDArray a) {
            return a.toType(DataType.FLOAT64, false).toDoubleArray();
        }

        /** The loader's answer, or "refused <message>" for a CheckpointException. */
        private static String outcome(java.util.function.Supplier<String> load) {
            try {
                return load.get();
            } catch (CheckpointException e) {
                return "refused " + e.getMessage().replace('\n', ' ');
            } catch (RuntimeException e) {
                return "failed " + e;
            }
        }
    }
}
