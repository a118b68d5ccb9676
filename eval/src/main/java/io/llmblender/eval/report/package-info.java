/** Reports: {@link io.llmblender.eval.report.AgreementReport} (Markdown and JSON, measured beside published rows). */
package io.llmblender.eval.report;
