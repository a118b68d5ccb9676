/** Members that answer from recorded outputs: {@link io.llmblender.adapters.replay.ReplayChatModel}. */
package io.llmblender.adapters.replay;
