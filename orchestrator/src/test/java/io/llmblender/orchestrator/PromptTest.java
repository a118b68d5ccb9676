package io.llmblender.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Turn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the ranker and fuser read of a chat request. */
class PromptTest {
    static ChatRequest chat(dev.langchain4j.data.message.ChatMessage... messages) {
        return ChatRequest.builder().messages(messages).build();
    }

    @Test
    void a_single_question_is_a_plain_item_with_the_system_text_as_instruction() {
        Prompt p = Prompt.from(chat(SystemMessage.from("Be brief."), UserMessage.from("What is 2+2?")));
        Item item = p.item(List.of("4", "four"));
        assertThat(p.isConversation()).isFalse();
        assertThat(item.instruction()).isEqualTo("Be brief.");
        assertThat(item.input()).isEqualTo("What is 2+2?");
        assertThat(item.candidates()).containsExactly("4", "four");
    }

    @Test
    void a_multi_turn_chat_becomes_a_conversation_item_with_each_answer_appended_to_the_history() {
        // given a chat with one earlier exchange
        Prompt p = Prompt.from(chat(
                SystemMessage.from("Be brief."),
                UserMessage.from("hi"),
                AiMessage.from("hello!"),
                UserMessage.from("how are you?")));
        // when two members' answers are to be ranked
        Item item = p.item(List.of("fine", "bad"));
        // then the item is compare_conversations' layout (spec §2.8), written out here by hand
        assertThat(item.instruction())
                .isEqualTo("Finish the following coversation in each i-th turn by filling in <Response i> with your"
                        + " response.");
        assertThat(item.input())
                .isEqualTo("USER: hi\nAssistant: <Response 1>\nUSER: how are you?\nAssistant: <Response 2>");
        assertThat(item.candidates())
                .containsExactly("<Response 1>: hello!\n<Response 2>: fine", "<Response 1>: hello!\n<Response 2>: bad");
        // and the fuser still fuses the answers themselves to the last question
        assertThat(p.fusion(List.of("fine")).input()).isEqualTo("how are you?");
        assertThat(p.fusion(List.of("fine")).candidates()).containsExactly("fine");
        assertThat(p.fusion(List.of("fine")).instruction()).isEqualTo("Be brief.");
    }

    @Test
    void consecutive_messages_of_one_role_are_joined_and_a_trailing_or_leading_assistant_turn_is_dropped() {
        Prompt p = Prompt.from(chat(
                AiMessage.from("Welcome!"),
                UserMessage.from("first"),
                UserMessage.from("second"),
                AiMessage.from("ok"),
                UserMessage.from("third"),
                AiMessage.from("prefill")));
        assertThat(p.input()).isEqualTo("third");
        assertThat(p.history()).containsExactly(Turn.user("first\n\nsecond"), Turn.assistant("ok"));
    }

    @Test
    void a_request_without_user_text_is_refused_with_what_is_missing() {
        assertThatThrownBy(() -> Prompt.from(chat(SystemMessage.from("Be brief."), AiMessage.from("hello"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no user message with text");
    }
}
