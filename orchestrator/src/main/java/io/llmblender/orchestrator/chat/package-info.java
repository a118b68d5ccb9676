/** The ensemble as a drop-in langchain4j {@code ChatModel}: {@link io.llmblender.orchestrator.chat.BlenderChatModel}. */
package io.llmblender.orchestrator.chat;
