package io.llmblender.runtime.checkpoint;

import static io.llmblender.runtime.checkpoint.Checkpoints.refusedWithinBounds;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.runtime.checkpoint.RestrictedUnpickler.Tuple;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Pickles that ask the unpickler for unbounded time, stack or memory, each built opcode by opcode. Every one must
 * be a {@link CheckpointException} within five seconds and a bounded heap ({@link Checkpoints#refusedWithinBounds});
 * before issue 13 the first ones hung (exponential hashing or printing) and the deep ones overflowed the stack.
 */
class RestrictedUnpicklerTest {
    static final Path FILE = Path.of("attack.bin");

    static Object load(byte[] pickle) {
        return RestrictedUnpickler.load(FILE, pickle, pid -> pid);
    }

    /**
     * (), then n times DUP and TUPLE2: each level is a pair of the same tuple, so the tuple on top has 2^n paths
     * to its leaves, and hashing or printing it naively takes 2^n steps, in 2n bytes of pickle.
     */
    static PickleWriter sharedTuples(PickleWriter p, int levels) {
        p.op(')');
        for (int i = 0; i < levels; i++) {
            p.op('2').op(0x86); // DUP, TUPLE2
        }
        return p;
    }

    /** The same with lists: each level, the list on top goes to memo slot 0 and a new list appends it twice. */
    static PickleWriter sharedLists(PickleWriter p, int levels) {
        p.op(']');
        for (int i = 0; i < levels; i++) {
            p.put(0).op('0').op(']').op('(').get(0).get(0).op('e'); // BINPUT, POP, EMPTY_LIST, MARK, 2 items, APPENDS
        }
        return p;
    }

    @Test
    void a_dict_key_of_shared_tuples_is_refused_before_it_is_hashed() {
        // given a 107-byte pickle: {key: None} where key is 50 levels of shared tuples (2^50 leaf visits to hash)
        byte[] pickle = sharedTuples(new PickleWriter().proto(2).op('}'), 50)
                .op('N')
                .op('s')
                .stop()
                .bytes();
        assertThat(pickle.length).isEqualTo(107);
        // then
        assertThat(refusedWithinBounds(() -> load(pickle)))
                .hasMessageContaining("dict key that is a tuple")
                .hasMessageContaining("strings");
    }

    @Test
    void a_shared_structure_in_a_persistent_id_is_described_in_bounded_time() {
        // given a persistent id that is not a tuple but a list of shared lists, which the message must show
        byte[] pickle =
                sharedLists(new PickleWriter().proto(2), 50).op('Q').stop().bytes();
        assertThat(refusedWithinBounds(() -> load(pickle)).getMessage())
                .contains("persistent id that is not a tuple: ArrayList [[[[...]")
                .hasSizeLessThan(400);
    }

    @Test
    void a_shared_structure_as_call_arguments_is_described_in_bounded_time() {
        // given _rebuild_tensor_v2 called with one argument: 50 levels of shared tuples
        byte[] pickle = sharedTuples(new PickleWriter().proto(2).global("torch._utils", "_rebuild_tensor_v2"), 50)
                .op(0x85) // TUPLE1: the arguments
                .op('R')
                .stop()
                .bytes();
        assertThat(refusedWithinBounds(() -> load(pickle)).getMessage())
                .contains("calls _rebuild_tensor_v2 with unexpected arguments tuple[[[[...]")
                .hasSizeLessThan(400);
    }

    @Test
    void tuples_nested_deeper_than_the_limit_are_refused_and_never_overflow_the_stack() {
        // given 100,000 nested tuples used as a dict key (hashing it recursed 100,000 frames deep)
        int depth = 100_000;
        byte[] pickle = new PickleWriter()
                .proto(2)
                .op('}')
                .ops('(', depth)
                .ops('t', depth)
                .op('N')
                .op('s')
                .stop()
                .bytes();
        assertThat(refusedWithinBounds(() -> load(pickle)))
                .hasMessageContaining("nests tuples, lists and dicts more than " + RestrictedUnpickler.MAX_DEPTH);
    }

    @Test
    void lists_and_dicts_nested_deeper_than_the_limit_are_refused() {
        // lists: 100,000 EMPTY_LISTs, then APPEND each into the one below it
        byte[] lists = new PickleWriter()
                .proto(2)
                .ops(']', 100_000)
                .ops('a', 100_000 - 1)
                .op('Q')
                .stop()
                .bytes();
        assertThat(refusedWithinBounds(() -> load(lists))).hasMessageContaining("more than 100 deep");
        // dicts: {0: {0: {0: ...}}}, each SETITEM putting the dict above into the one below
        PickleWriter dicts = new PickleWriter().proto(2);
        for (int i = 0; i < 100_000; i++) {
            dicts.op('}').integer(0);
        }
        dicts.op('}');
        for (int i = 0; i < 100_000; i++) {
            dicts.op('s');
        }
        byte[] nested = dicts.op('Q').stop().bytes();
        assertThat(refusedWithinBounds(() -> load(nested))).hasMessageContaining("more than 100 deep");
    }

    @Test
    void nesting_up_to_the_limit_is_read() {
        int limit = RestrictedUnpickler.MAX_DEPTH;
        Object deepest = load(new PickleWriter()
                .proto(2)
                .ops('(', limit)
                .ops('t', limit)
                .stop()
                .bytes());
        int depth = 0;
        for (Object o = deepest; o instanceof Tuple t; o = t.size() == 0 ? null : t.get(0)) {
            depth++;
        }
        assertThat(depth).isEqualTo(limit);
        assertThat(refusedWithinBounds(() -> load(new PickleWriter()
                        .proto(2)
                        .ops('(', limit + 1)
                        .ops('t', limit + 1)
                        .stop()
                        .bytes())))
                .hasMessageContaining("more than " + limit + " deep");
    }

    @Test
    void a_container_cannot_change_once_it_is_inside_another_so_there_are_no_cycles() {
        // a list appended to itself
        byte[] selfAppend = new PickleWriter()
                .proto(2)
                .op(']')
                .op('2') // DUP
                .op('a')
                .stop()
                .bytes();
        assertThat(refusedWithinBounds(() -> load(selfAppend))).hasMessageContaining("(or to itself)");
        // a list put into a tuple, then changed: the tuple would reach it again
        byte[] changedLater = new PickleWriter()
                .proto(2)
                .op(']')
                .put(0)
                .op(0x85) // TUPLE1 holding the list
                .op('0') // POP the tuple; the list is still in memo slot 0
                .get(0)
                .integer(1)
                .op('a')
                .stop()
                .bytes();
        assertThat(refusedWithinBounds(() -> load(changedLater)))
                .hasMessageContaining("already inside another container");
    }

    @Test
    void a_flood_of_stack_entries_is_refused_at_the_stack_limit() {
        byte[] flood =
                new PickleWriter().proto(2).ops('N', (1 << 20) + 1).stop().bytes();
        assertThat(refusedWithinBounds(() -> load(flood))).hasMessageContaining("grows its stack beyond");
    }

    @Test
    void a_state_dict_as_torch_writes_it_is_read() {
        // the shape PickleWriter.stateDictOfOne writes (and the other tests attack) is accepted as it is
        byte[] pickle = PickleWriter.stateDictOfOne("t", "FloatStorage", 6, 0, new long[] {2, 3}, new long[] {3, 1});
        Object root =
                RestrictedUnpickler.load(FILE, pickle, pid -> new RestrictedUnpickler.StorageRef(DType.F32, "0", 6));
        assertThat(root).isInstanceOf(java.util.Map.class);
        assertThat(((java.util.Map<?, ?>) root).get("t")).isInstanceOf(RestrictedUnpickler.TensorRef.class);
    }
}
