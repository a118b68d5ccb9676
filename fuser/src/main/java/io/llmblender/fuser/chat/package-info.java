/** Fusion by any langchain4j chat model: {@link io.llmblender.fuser.chat.ChatModelFuser}. */
package io.llmblender.fuser.chat;
