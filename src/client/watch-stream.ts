// Splits a streaming response body into newline-delimited JSON values. Kept apart from the REST
// client so the framing (partial lines across chunks, blank keep-alive lines) is testable alone.

/** Yields each complete line of `chunks` parsed as JSON; a trailing partial line is parsed at the end. */
export async function* jsonLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  let pending = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    // stream: true keeps a multi-byte character split across chunks intact.
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') yield JSON.parse(line) as unknown;
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  const last = pending.trim();
  if (last !== '') yield JSON.parse(last) as unknown;
}
