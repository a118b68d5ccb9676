/** Options shared by several subcommands. */
package io.llmblender.cli.option;
