/**
 * Stateless tensor operations both models share (linear layers, normalisation), so each model file calls them
 * rather than copying them.
 */
package io.llmblender.runtime.nn;
