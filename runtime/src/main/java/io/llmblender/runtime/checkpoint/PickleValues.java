package io.llmblender.runtime.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * Python values as {@link RestrictedUnpickler} holds them: the marker that stands for None where Java collections
 * refuse null, and the bounded rendering every message uses. A pickle may share its values exponentially often, so
 * nothing here walks a value in full.
 */
final class PickleValues {
    /** Python's None inside the unpickler (on its stack, in a tuple); callers get {@code null} instead. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** How much of a value a message shows. */
    private static final int DESCRIBE_CHARS = 160;

    private PickleValues() {}

    /**
     * A value as a message shows it, e.g. {@code tuple['storage', 5]}: at most about {@value #DESCRIBE_CHARS}
     * characters and three levels, in time bounded by that length however large, deep or shared the value is.
     */
    static String describe(Object o) {
        StringBuilder out = new StringBuilder();
        if (o instanceof RestrictedUnpickler.Tuple) {
            out.append("tuple");
        } else if (o != null && o != NONE) {
            out.append(o.getClass().getSimpleName()).append(' ');
        }
        render(o, out, 3);
        return out.length() > DESCRIBE_CHARS ? out.substring(0, DESCRIBE_CHARS) + "..." : out.toString();
    }

    private static void render(Object o, StringBuilder out, int levels) {
        if (out.length() > DESCRIBE_CHARS) {
            return;
        }
        if (o == null || o == NONE) {
            out.append("None");
        } else if (o instanceof RestrictedUnpickler.Tuple t) {
            renderAll(t.items(), "[", "]", out, levels);
        } else if (o instanceof List<?> list) {
            renderAll(list, "[", "]", out, levels);
        } else if (o instanceof Map<?, ?> map) {
            renderAll(map.entrySet(), "{", "}", out, levels);
        } else if (o instanceof Map.Entry<?, ?> e) {
            render(e.getKey(), out, levels);
            out.append(": ");
            render(e.getValue(), out, levels);
        } else if (o instanceof String text) {
            out.append('\'')
                    .append(text, 0, Math.min(text.length(), DESCRIBE_CHARS))
                    .append('\'');
        } else if (o instanceof byte[] bytes) {
            out.append(bytes.length).append(" bytes");
        } else {
            out.append(o); // a number, a boolean, or one of the unpickler's records of scalars
        }
    }

    /** Every item until the length limit: each one rendered adds at least one character, so this is bounded. */
    private static void renderAll(Iterable<?> items, String open, String close, StringBuilder out, int levels) {
        out.append(open);
        if (levels == 0) {
            out.append("...");
        } else {
            String separator = "";
            for (Object item : items) {
                if (out.length() > DESCRIBE_CHARS) {
                    break;
                }
                out.append(separator);
                render(item, out, levels - 1);
                separator = ", ";
            }
        }
        out.append(close);
    }
}
