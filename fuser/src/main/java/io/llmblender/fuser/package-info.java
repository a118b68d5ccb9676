/**
 * Generative fusion: the {@link io.llmblender.fuser.Fuser} interface, its request and result, and
 * {@link io.llmblender.fuser.FusionPrompt}, the one owner of GenFuser's input format. Implementations:
 * {@code genfuser.GenFuser} (Flan-T5 on DJL).
 */
package io.llmblender.fuser;
