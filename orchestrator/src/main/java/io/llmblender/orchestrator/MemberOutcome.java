package io.llmblender.orchestrator;

import java.time.Duration;

/** What happened to one ensemble member; failures are data, so no answer is ever lost. */
public sealed interface MemberOutcome permits MemberOutcome.Answered, MemberOutcome.Failed, MemberOutcome.Abandoned {
    /**
     * The member's name.
     *
     * @return the name
     */
    String member();

    /**
     * How long the member took, from the start of the fan-out to its outcome (an answer, a failure, or being
     * abandoned).
     *
     * @return the wall time
     */
    Duration latency();

    /**
     * The attempts made, retries included (0 when none ran, e.g. an open breaker).
     *
     * @return the attempt count
     */
    int attempts();

    /**
     * The member and what happened, for messages: {@code gpt answered}, {@code gpt failed: Type: reason}.
     *
     * @return one line about the member
     */
    default String describe() {
        if (this instanceof Failed f) {
            return member() + " failed: " + f.errorType() + ": " + f.reason();
        }
        return this instanceof Abandoned a ? member() + " abandoned: " + a.reason() : member() + " answered";
    }

    /**
     * The member answered. Token counts are -1 when the provider did not report them.
     *
     * @param member the member's name
     * @param text the member's answer
     * @param latency how long it took
     * @param attempts the attempts it took
     * @param inputTokens prompt tokens the provider reported, or -1
     * @param outputTokens answer tokens the provider reported, or -1
     */
    record Answered(String member, String text, Duration latency, int attempts, int inputTokens, int outputTokens)
            implements MemberOutcome {}

    /**
     * The member failed; {@code errorType} is the exception's class (e.g. {@code AuthenticationException}).
     *
     * @param member the member's name
     * @param errorType the last failure's exception class
     * @param reason the last failure's message
     * @param latency how long until it failed
     * @param attempts the attempts made
     */
    record Failed(String member, String errorType, String reason, Duration latency, int attempts)
            implements MemberOutcome {}

    /**
     * The ensemble stopped waiting (quorum met or deadline passed) before the member answered.
     *
     * @param member the member's name
     * @param reason why it was abandoned, e.g. the quorum was met
     * @param latency how long it ran until abandoned
     * @param attempts the attempts made so far
     */
    record Abandoned(String member, String reason, Duration latency, int attempts) implements MemberOutcome {}
}
