// Docker answers pulls, imports and events as a stream of JSON objects, one a line.

/** Yields each JSON object of a newline-delimited stream; skips lines that are not JSON. */
export async function* jsonLines(stream: NodeJS.ReadableStream): AsyncGenerator<unknown> {
  let buffer = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      const parsed = parse(line);
      if (parsed !== undefined) yield parsed;
    }
  }
  const parsed = parse(buffer.trim());
  if (parsed !== undefined) yield parsed;
}

function parse(line: string): unknown {
  if (line === '') return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads a progress stream to its end; throws the first `error` message the daemon reports in it. */
export async function drainProgress(stream: NodeJS.ReadableStream): Promise<void> {
  for await (const item of jsonLines(stream)) {
    if (typeof item === 'object' && item !== null && 'error' in item) {
      const error = (item).error;
      throw new Error(typeof error === 'string' ? error : JSON.stringify(error));
    }
  }
}
