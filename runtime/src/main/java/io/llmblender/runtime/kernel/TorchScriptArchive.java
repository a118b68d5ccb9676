package io.llmblender.runtime.kernel;

import io.llmblender.runtime.BlenderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript archive written by Java: the zip that {@code torch.jit.save} would write for one module class
 * whose state is a few plain attributes, so that libtorch compiles the source when DJL loads it and no Python
 * is needed anywhere. The layout, under one folder named after the class:
 * <ul>
 *   <li>{@code code/__torch__.py}: the class's TorchScript source, in the dialect of serialized code
 *       (attributes declared in the class body, dtypes as {@code c10::ScalarType} numbers);</li>
 *   <li>{@code data.pkl}: the module object, {@code training} and the declared attributes;</li>
 *   <li>{@code constants.pkl}: an empty tuple (the source uses no tensor constants);</li>
 *   <li>{@code version}: {@value #FORMAT_VERSION}, the newest format libtorch 2.7.1 reads, so no operator
 *       upgraders (which rewrite calls to keep the semantics of older files) are applied to the source.</li>
 * </ul>
 * Every entry is stored uncompressed, as torch writes its own records.
 *
 * <pre>{@code
 * TorchScriptArchive archive = TorchScriptArchive.fromResource(Bf16Kernel.class, "Bf16Kernel.py", "Bf16Kernel")
 *         .withEmptyList("weights", "List[Tensor]");
 * try (ScriptModule module = ScriptModule.load(archive)) { ... }
 * }</pre>
 *
 * Immutable and thread-safe; each {@code with} returns a new archive.
 *
 * @param className the module class the source defines, without the {@code __torch__.} prefix
 * @param source the TorchScript source of {@code code/__torch__.py}
 * @param attributes the module object's attributes in order, starting with {@code training}
 */
public record TorchScriptArchive(String className, String source, Map<String, Object> attributes) {
    /** The archive format version written; libtorch 2.7.1 refuses anything newer ("maximum supported ... 10"). */
    static final int FORMAT_VERSION = 10;

    /**
     * Checks the class name and copies the attributes, keeping their order.
     *
     * @param className the module class the source defines; letters, digits and {@code _}
     * @param source the TorchScript source
     * @param attributes the module object's attributes in order; copied
     * @throws IllegalArgumentException if {@code className} is not a valid class name
     */
    public TorchScriptArchive {
        if (!className.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "'" + className + "' is not a TorchScript class name; use letters, digits and '_'");
        }
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * An empty list attribute of the given TorchScript type, e.g. {@code List[Tensor]}.
     *
     * @param type the list's TorchScript type
     */
    public record EmptyList(String type) {}

    /**
     * An archive of {@code className} compiled from {@code source}, in inference mode ({@code training} is
     * false, the attribute every module declares).
     *
     * @param className the module class, e.g. {@code Bf16Kernel}
     * @param source the TorchScript source
     * @return an archive with only the {@code training} attribute
     */
    public static TorchScriptArchive of(String className, String source) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("training", Boolean.FALSE);
        return new TorchScriptArchive(className, source, attributes);
    }

    /**
     * An archive whose source is the UTF-8 resource {@code resource} next to {@code anchor}'s class file.
     *
     * @param anchor the class whose package holds the resource
     * @param resource the resource's name relative to {@code anchor}, e.g. {@code Bf16Kernel.py}
     * @param className the module class the source defines
     * @return an archive in inference mode
     */
    public static TorchScriptArchive fromResource(Class<?> anchor, String resource, String className) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new BlenderException("the TorchScript source '" + resource + "' is not on the classpath next to "
                        + anchor.getName() + "; is the runtime jar complete?");
            }
            return of(className, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the TorchScript source " + resource, e);
        }
    }

    /**
     * This archive with a {@code bool} attribute added (or replaced).
     *
     * @param name the attribute, as the source declares it
     * @param value its value
     * @return a new archive
     */
    public TorchScriptArchive with(String name, boolean value) {
        return withAttribute(name, value);
    }

    /**
     * This archive with an {@code int} attribute added (or replaced).
     *
     * @param name the attribute, as the source declares it
     * @param value its value
     * @return a new archive
     */
    public TorchScriptArchive with(String name, long value) {
        return withAttribute(name, value);
    }

    /**
     * This archive with a {@code float} attribute added (or replaced).
     *
     * @param name the attribute, as the source declares it
     * @param value its value
     * @return a new archive
     */
    public TorchScriptArchive with(String name, double value) {
        return withAttribute(name, value);
    }

    /**
     * This archive with a {@code str} attribute added (or replaced).
     *
     * @param name the attribute, as the source declares it
     * @param value its value
     * @return a new archive
     */
    public TorchScriptArchive with(String name, String value) {
        return withAttribute(name, value);
    }

    /**
     * An attribute that starts as an empty list of {@code type}, e.g. {@code List[Optional[Tensor]]}.
     *
     * @param name the attribute, as the source declares it
     * @param type the TorchScript element type, e.g. {@code List[Tensor]}
     * @return a new archive
     */
    public TorchScriptArchive withEmptyList(String name, String type) {
        return withAttribute(name, new EmptyList(type));
    }

    private TorchScriptArchive withAttribute(String name, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(attributes);
        more.put(name, value);
        return new TorchScriptArchive(className, source, more);
    }

    /**
     * The archive's bytes, ready for {@code torch::jit::load}.
     *
     * @return the zip archive's bytes
     */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String root = className + "/";
            stored(zip, root + "data.pkl", ModulePickle.module(className, attributes));
            stored(zip, root + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            stored(zip, root + "constants.pkl", ModulePickle.noConstants());
            stored(zip, root + "version", (FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("writing a zip to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED); // a stored entry must declare its size and CRC before its data
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }
}
