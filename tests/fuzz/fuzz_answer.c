/*
 * libFuzzer target for what accc takes out of a model's answer: the code
 * block (prompt_extract_code) and the token form that keys are made of
 * (normalize_c), on every input.  The code block, when there is one, is
 * non-empty, ends in one newline and is, without it, a part of the answer
 * word for word.  None of it may
 * crash, leak or read out of bounds (the build uses ASan and UBSan).
 *
 * It calls the public functions only, so it follows the extractor and the
 * normalizer wherever they are rewritten.
 */
#include "normalize.h"
#include "prompt.h"

#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *answer = malloc(size + 1), *text = malloc(size ? size : 1);
	struct strbuf code = STRBUF_INIT, once = STRBUF_INIT;

	if (!answer || !text)
		abort();
	memcpy(answer, data, size);
	answer[size] = '\0';
	if (prompt_extract_code(answer, &code) == 0) {
		if (code.len < 2 || code.buf[code.len - 1] != '\n')
			abort(); /* a block is non-empty and ends in its newline */
		if (!memmem(answer, size, code.buf, code.len - 1))
			abort(); /* and is the answer's own text */
	} else if (code.len) {
		abort(); /* no block: nothing appended */
	}

	/* exactly `size` bytes, not terminated: ASan sees any read past them */
	memcpy(text, data, size);
	/*
	 * Only memory safety is asserted of the normalizer: the token form is
	 * not a fixed point on text that is not C (unterminated literals,
	 * a stray backslash, "# 1" line markers with junk), which the fuzzer
	 * finds within seconds; see the notes of issue 14.
	 */
	normalize_c(text, size, &once);
	strbuf_release(&code);
	strbuf_release(&once);
	free(answer);
	free(text);
	return 0;
}
