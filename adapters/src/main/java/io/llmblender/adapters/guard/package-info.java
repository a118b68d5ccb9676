/**
 * resilience4j around each member: {@link io.llmblender.adapters.guard.GuardedChatModel}; which failures count
 * against a member: {@link io.llmblender.adapters.guard.MemberFaults}.
 */
package io.llmblender.adapters.guard;
