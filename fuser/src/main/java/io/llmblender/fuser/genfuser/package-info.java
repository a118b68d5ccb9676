/** GenFuser (llm-blender/gen_fuser_3b): the Flan-T5 tokenizer and the fuser that drives the T5 model. */
package io.llmblender.fuser.genfuser;
