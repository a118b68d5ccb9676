/**
 * Where the heavy matmuls run, in which precision: {@link io.llmblender.runtime.kernel.Kernel} (start here) with
 * its fp32 and bf16 implementations, the {@link io.llmblender.runtime.kernel.Precision} a model loads in and the
 * {@link io.llmblender.runtime.kernel.PrecisionPolicy} that grants it on this CPU. Underneath, the machinery that
 * writes a TorchScript archive from Java ({@link io.llmblender.runtime.kernel.TorchScriptArchive}) and calls it
 * through DJL ({@link io.llmblender.runtime.kernel.ScriptModule}), so libtorch can hold bf16 that DJL cannot.
 */
package io.llmblender.runtime.kernel;
