/** One class per {@code blender} subcommand. */
package io.llmblender.cli.command;
