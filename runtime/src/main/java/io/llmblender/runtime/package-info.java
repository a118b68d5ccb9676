/**
 * What the ranker and the fuser share: the DJL engine set-up ({@link io.llmblender.runtime.DjlRuntime}, offline and
 * without autograd) and the exception root ({@link io.llmblender.runtime.BlenderException}).
 */
package io.llmblender.runtime;
