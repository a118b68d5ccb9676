/** resilience4j around each member: {@link io.llmblender.adapters.guard.GuardedChatModel}. */
package io.llmblender.adapters.guard;
