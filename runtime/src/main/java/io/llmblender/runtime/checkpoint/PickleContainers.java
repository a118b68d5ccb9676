package io.llmblender.runtime.checkpoint;

import static io.llmblender.runtime.checkpoint.PickleValues.NONE;
import static io.llmblender.runtime.checkpoint.PickleValues.describe;

import io.llmblender.runtime.checkpoint.RestrictedUnpickler.Tuple;
import java.math.BigInteger;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tuples, lists and dicts one pickle builds, and the bounds {@link RestrictedUnpickler} keeps on them: dict
 * keys are scalars (a key built of shared tuples hashes in exponential time), nesting stays within
 * {@link RestrictedUnpickler#MAX_DEPTH}, and a container held by another never changes again, which rules out
 * cycles and keeps each recorded depth exact.
 *
 * <p>Not thread-safe; one instance serves one pickle.
 */
final class PickleContainers {
    private final PickleErrors errors;
    /** Every tuple, list and dict built, by identity, with its nesting depth (1: it holds no container). */
    private final Map<Object, Integer> depths = new IdentityHashMap<>();
    /** The containers already held by another container; they may not change any more. */
    private final Set<Object> held = Collections.newSetFromMap(new IdentityHashMap<>());

    PickleContainers(PickleErrors errors) {
        this.errors = errors;
    }

    /** A new, empty list or dict: depth 1. */
    <T> T container(T empty) {
        depths.put(empty, 1);
        return empty;
    }

    /** A new tuple, which holds its items from now on. */
    Tuple tuple(int at, List<Object> items) {
        Tuple t = container(new Tuple(items));
        for (Object item : items) {
            hold(at, t, item);
        }
        return t;
    }

    /** APPEND and APPENDS: {@code items} added to {@code target}, which must be a list. */
    @SuppressWarnings("unchecked")
    void appendTo(int at, Object target, List<Object> items) {
        if (!(target instanceof List<?> list)) {
            throw errors.malformed(at, "appends to a " + describe(target) + ", not a list");
        }
        for (Object item : items) {
            hold(at, list, item);
        }
        ((List<Object>) list)
                .addAll(items.stream().map(o -> o == NONE ? null : o).toList());
    }

    /** SETITEM and SETITEMS: alternating keys and values put into {@code target}, which must be a dict. */
    @SuppressWarnings("unchecked")
    void setItems(int at, Object target, List<Object> keysAndValues) {
        if (!(target instanceof Map<?, ?> map) || keysAndValues.size() % 2 != 0) {
            throw errors.malformed(at, "sets items on a " + describe(target) + ", not a dict");
        }
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            Object key = keysAndValues.get(i);
            if (!isScalar(key)) {
                throw errors.malformed(
                        at,
                        "has a dict key that is a " + describe(key)
                                + "; a state dict's keys are strings, and a key built of containers can take"
                                + " exponential time to hash");
            }
            Object value = keysAndValues.get(i + 1);
            hold(at, map, value);
            ((Map<Object, Object>) map).put(key, value == NONE ? null : value);
        }
    }

    private static boolean isScalar(Object o) {
        return o == NONE
                || o instanceof String
                || o instanceof Long
                || o instanceof BigInteger
                || o instanceof Double
                || o instanceof Boolean;
    }

    /**
     * Records that {@code outer} (a container not yet held by any other, being built) now holds {@code item}:
     * {@code item} may not change any more, and {@code outer} is at least one level deeper than it.
     */
    private void hold(int at, Object outer, Object item) {
        if (held.contains(outer) || item == outer) {
            throw errors.malformed(
                    at,
                    "adds to a " + describe(outer) + " that is already inside another container (or to itself);"
                            + " a pickled state dict never does, and it would allow cycles");
        }
        Integer inner = depths.get(item);
        if (inner == null) {
            return; // not a container
        }
        held.add(item);
        int depth = inner + 1;
        if (depth > RestrictedUnpickler.MAX_DEPTH) {
            throw errors.malformed(
                    at,
                    "nests tuples, lists and dicts more than " + RestrictedUnpickler.MAX_DEPTH
                            + " deep; a state dict nests 3 deep");
        }
        depths.merge(outer, depth, Math::max);
    }
}
