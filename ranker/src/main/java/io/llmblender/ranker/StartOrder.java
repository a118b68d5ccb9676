package io.llmblender.ranker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * The order in which seeded strategies (bubble, knockout) meet the candidates. The reference draws an unseeded
 * permutation per batch (spec §3.5), so its results cannot be reproduced; a fixed seed alone would make every
 * request meet the same last duel (position C−1 always gets the bye of the final comparison). Here the
 * permutation comes from the seed <em>and</em> the item's content: the same request always gets the same
 * result, and different requests get different orders. Stateless.
 */
public final class StartOrder {
    private StartOrder() {}

    /**
     * The start permutation of {@code item}'s candidates under {@code seed}.
     *
     * @param seed the start-order seed
     * @param item the input, whose content is mixed into the seed
     * @return a permutation of the candidate indices
     */
    public static int[] of(long seed, Item item) {
        return shuffled(item.size(), new SplittableRandom(seed ^ contentHash(item)));
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} (Fisher–Yates).
     *
     * @param n the permutation's length
     * @param random the source of randomness
     * @return a permutation of {@code 0..n-1}
     */
    public static int[] shuffled(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * 64 bits of SHA-256 over the instruction, input and candidates, each length-prefixed so that no two
     * different items collide by concatenation. Stable across JVMs and platforms (UTF-8, big-endian).
     */
    static long contentHash(Item item) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, item.instruction() == null ? "\u0000none" : item.instruction());
            update(sha, item.input());
            for (String c : item.candidates()) {
                update(sha, c);
            }
            byte[] d = sha.digest();
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xFF);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update(
                new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length
                });
        sha.update(b);
    }
}
