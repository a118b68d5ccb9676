/** The members' HTTP client, which keeps {@code Retry-After}: {@link io.llmblender.adapters.http.RetryAfterHttpClient}. */
package io.llmblender.adapters.http;
