package io.llmblender.orchestrator;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.ranker.Conversations;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Turn;
import java.util.ArrayList;
import java.util.List;

/**
 * What the ranker and the fuser read of a chat request: the system instruction, the last user text, and the
 * turns before it. A single question becomes a plain {@link Item}; a multi-turn chat becomes a conversation item
 * ({@link Conversations#item}, spec §2.8) whose candidates are each answer appended to the shared history, so
 * rankers compare answers in context and no caller has to special-case chats. Immutable.
 *
 * <pre>{@code
 * Prompt p = Prompt.from(chatRequest);
 * Item item = p.item(List.of(answerA, answerB));     // what the selector orders
 * FusionRequest fusion = p.fusion(List.of(best, second));
 * }</pre>
 *
 * @param instruction the first system message's text, or null
 * @param input the last user message's text
 * @param history the user and assistant turns before {@code input}, alternating and starting with a user turn
 *     (consecutive messages of one role are joined by a blank line); empty for a single question
 */
public record Prompt(String instruction, String input, List<Turn> history) {
    /**
     * Copies the history.
     *
     * @param instruction the first system message's text, or null
     * @param input the last user message's text
     * @param history the turns before {@code input}, alternating and starting with a user turn
     */
    public Prompt {
        history = List.copyOf(history);
    }

    /**
     * Reads a request; tool calls and results are not part of the text the ranker compares, so they are skipped.
     *
     * @param request the chat request
     * @return the prompt
     * @throws IllegalArgumentException if no user message carries text (blank text counts as none): there is
     *     nothing to rank answers against
     */
    public static Prompt from(ChatRequest request) {
        String instruction = null;
        List<Turn> turns = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            if (m instanceof SystemMessage s && instruction == null) {
                instruction = s.text();
            } else if (m instanceof UserMessage u
                    && u.hasSingleText()
                    && !u.singleText().isBlank()) {
                append(turns, Turn.USER, u.singleText());
            } else if (m instanceof AiMessage a && a.text() != null) {
                append(turns, Turn.ASSISTANT, a.text());
            }
        }
        // the prompt is the last user text; a trailing assistant turn (a prefill) is not an answer to rank against
        while (!turns.isEmpty() && !turns.get(turns.size() - 1).role().equals(Turn.USER)) {
            turns.remove(turns.size() - 1);
        }
        if (turns.isEmpty()) {
            throw new IllegalArgumentException(
                    "the request has no user message with text; the ensemble ranks answers to a user message");
        }
        String input = turns.remove(turns.size() - 1).content();
        // conversations start with a user turn (spec §2.8): an opening assistant greeting is context, not a turn
        while (!turns.isEmpty() && !turns.get(0).role().equals(Turn.USER)) {
            turns.remove(0);
        }
        return new Prompt(instruction, input, turns);
    }

    /**
     * A single-question prompt.
     *
     * @param instruction the instruction, or null
     * @param input the user's message
     * @return a prompt without history
     */
    public static Prompt of(String instruction, String input) {
        return new Prompt(instruction, input, List.of());
    }

    /**
     * Whether earlier turns precede the input.
     *
     * @return true for a multi-turn conversation
     */
    public boolean isConversation() {
        return !history.isEmpty();
    }

    /**
     * What a selector orders: the answers to a single question as they are, or for a conversation each answer
     * appended to the shared history, laid out as {@code compare_conversations} does.
     *
     * @param answers the members' answers
     * @return the item to rank
     */
    public Item item(List<String> answers) {
        if (!isConversation()) {
            return new Item(instruction, input, answers);
        }
        List<List<Turn>> conversations = new ArrayList<>(answers.size());
        for (String answer : answers) {
            List<Turn> c = new ArrayList<>(history);
            c.add(Turn.user(input));
            c.add(Turn.assistant(answer));
            conversations.add(c);
        }
        return Conversations.item(conversations);
    }

    /**
     * What a fuser fuses: the answers themselves (best first) to the last user text, with the instruction.
     *
     * @param best the answers to fuse, best first
     * @return the fusion request
     */
    public FusionRequest fusion(List<String> best) {
        return new FusionRequest(instruction, input, best);
    }

    private static void append(List<Turn> turns, String role, String text) {
        int last = turns.size() - 1;
        if (last >= 0 && turns.get(last).role().equals(role)) {
            turns.set(last, new Turn(role, turns.get(last).content() + "\n\n" + text));
        } else {
            turns.add(new Turn(role, text));
        }
    }
}
