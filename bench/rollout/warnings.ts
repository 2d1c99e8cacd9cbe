// The warning and error lines a process logged, grouped by what they say (the object names taken
// out), so a summary reads "28 × deployment-controller reconcile failed: Operation cannot be
// fulfilled on deployments.apps ..." rather than 28 lines.
interface LogLine {
  msg?: string;
  controller?: string;
  error?: string;
}

function keyOf(line: string): string {
  let parsed: LogLine | undefined;
  try {
    parsed = JSON.parse(line) as LogLine;
  } catch {
    return line.slice(0, 120);
  }
  const error = (parsed.error ?? '').replace(/"[^"]*"/g, '"…"').slice(0, 90);
  return `${parsed.controller === undefined ? '' : `${parsed.controller} `}${parsed.msg ?? '?'}${error === '' ? '' : `: ${error}`}`;
}

export function summarizeWarnings(lines: readonly string[]): string {
  const groups = new Map<string, number>();
  for (const line of lines) {
    const key = keyOf(line);
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${n} × ${key}`).join('; ');
}
