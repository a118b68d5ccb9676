/**
 * The ensemble as an OpenAI-compatible HTTP service on Jetty: start at
 * {@link io.llmblender.orchestrator.server.BlenderServer}. {@code JettyHandler} and {@code ConnectionGuard} hold the
 * transport's defences; {@code Router} and one {@code *Endpoint} per path hold the protocol, over the
 * {@code Exchange} interface, with a record for each wire format.
 */
package io.llmblender.orchestrator.server;
