/** The {@code blender} command line: start at {@link io.llmblender.cli.BlenderCommand}. */
package io.llmblender.cli;
