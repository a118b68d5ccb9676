/** The ensemble as an OpenAI-compatible HTTP service: {@link io.llmblender.orchestrator.server.BlenderServer}. */
package io.llmblender.orchestrator.server;
