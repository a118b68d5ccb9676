/**
 * The model hub: {@link io.llmblender.runtime.hub.HubClient} downloads (once, resumable, verified) into the
 * hub's own cache layout ({@link io.llmblender.runtime.hub.HubCache}). The only code in the project that downloads;
 * it trusts neither the hub nor the cache's contents (see {@code HubClient}'s class comment).
 */
package io.llmblender.runtime.hub;
