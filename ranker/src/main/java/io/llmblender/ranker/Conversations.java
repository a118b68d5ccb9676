package io.llmblender.ranker;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place that turns multi-turn conversations into ranker input, as the reference's
 * {@code compare_conversations} and {@code get_pair_from_conv} do (spec §2.8): conversations that share their
 * USER turns become one item whose input lists the user turns with {@code <Response i>} placeholders and whose
 * candidates are each conversation's assistant turns. Validation messages are the reference's. Stateless.
 */
public final class Conversations {
    /** The constant instruction of conversation comparison; the typo "coversation" is the reference's. */
    public static final String INSTRUCTION =
            "Finish the following coversation in each i-th turn by filling in <Response i> with your response.";

    private Conversations() {}

    /**
     * One item from conversations that differ only in their assistant turns: the input to rank them with any
     * {@link Ranker}. Each conversation alternates USER and ASSISTANT turns, starting with USER.
     *
     * @param conversations one or more conversations with the same user turns
     * @return an item with {@link #INSTRUCTION}, the user turns (each followed by a {@code <Response i>} slot) as
     *     the input, and each conversation's assistant turns as one candidate
     */
    public static Item item(List<List<Turn>> conversations) {
        if (conversations.isEmpty()) {
            throw new IllegalArgumentException("Each input must have at least one candidate");
        }
        for (List<Turn> conversation : conversations) {
            checkShape(conversation);
        }
        List<Turn> first = conversations.get(0);
        for (List<Turn> other : conversations) {
            if (other.size() != first.size()) {
                throw new IllegalArgumentException("Number of turns in each conversation must be the same");
            }
            for (int i = 0; i < first.size(); i += 2) {
                if (!first.get(i).content().equals(other.get(i).content())) {
                    throw new IllegalArgumentException("USER turns must be the same");
                }
            }
        }
        List<String> input = new ArrayList<>();
        for (int i = 0; i < first.size(); i += 2) {
            input.add("USER: " + first.get(i).content() + "\nAssistant: <Response " + (i / 2 + 1) + ">");
        }
        List<String> candidates = new ArrayList<>();
        for (List<Turn> conversation : conversations) {
            List<String> responses = new ArrayList<>();
            for (int i = 1; i < conversation.size(); i += 2) {
                responses.add(
                        "<Response " + (i / 2 + 1) + ">: " + conversation.get(i).content());
            }
            candidates.add(String.join("\n", responses));
        }
        return new Item(INSTRUCTION, String.join("\n", input), candidates);
    }

    /**
     * The items {@code compare_conversations(a, b)} compares, one per pair {@code (a[n], b[n])}, with the
     * reference's checks in the reference's order.
     *
     * @param a the first conversation of each pair
     * @param b the second conversation of each pair, as many as {@code a}
     * @return one two-candidate item per pair
     */
    public static List<Item> pairs(List<List<Turn>> a, List<List<Turn>> b) {
        for (List<List<Turn>> side : List.of(a, b)) {
            for (List<Turn> conversation : side) {
                checkShape(conversation);
            }
        }
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("Number of conversations must be the same");
        }
        List<Item> items = new ArrayList<>();
        for (int n = 0; n < a.size(); n++) {
            items.add(item(List.of(a.get(n), b.get(n))));
        }
        return items;
    }

    private static void checkShape(List<Turn> conversation) {
        if (conversation.size() % 2 != 0) {
            throw new IllegalArgumentException("Each conversation must have even number of turns");
        }
        for (int i = 0; i < conversation.size(); i++) {
            String role = conversation.get(i).role();
            if (i % 2 == 0 && !Turn.USER.equals(role)) {
                throw new IllegalArgumentException("Each even turn must be USER");
            }
            if (i % 2 == 1 && !Turn.ASSISTANT.equals(role)) {
                throw new IllegalArgumentException("Each odd turn must be ASSISTANT");
            }
        }
    }
}
