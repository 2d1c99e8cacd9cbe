// What a long wait (rollout status, wait, drain) shows while it waits. On a terminal: one line
// redrawn in place, with a bar of how much is done. Piped or redirected: plain lines, each printed
// once when it changes (kubectl's messages, so scripts that read them keep working).
import type { Writable } from 'node:stream';

export interface ProgressStep {
  /** The plain line (kubectl's wording), printed as is when not on a terminal. */
  readonly message: string;
  /** How far along, for the bar: done of total. */
  readonly done?: number;
  readonly total?: number;
  /** Shown after the bar on a terminal, e.g. "3/5 updated, 2/5 ready". */
  readonly detail?: string;
}

type Output = Writable & { isTTY?: boolean; columns?: number };

const BAR_WIDTH = 24;

export class ProgressDisplay {
  private last = '';
  private drawn = false;

  constructor(
    private readonly out: Output,
    /** Force the terminal form on or off (tests, --no-progress); default: is out a TTY. */
    private readonly terminal = out.isTTY === true,
  ) {}

  get isTerminal(): boolean {
    return this.terminal;
  }

  update(step: ProgressStep): void {
    if (!this.terminal) {
      const line = step.message.endsWith('\n') ? step.message : `${step.message}\n`;
      if (line !== this.last) this.out.write(line);
      this.last = line;
      return;
    }
    const line = fit(terminalLine(step), this.out.columns ?? 80);
    if (line === this.last) return;
    this.last = line;
    // \r to the line's start, ESC[K erases what a longer previous line left.
    this.out.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  /** The closing line (success or not), on a line of its own. */
  finish(message: string): void {
    this.clear();
    this.out.write(message.endsWith('\n') ? message : `${message}\n`);
    this.last = '';
  }

  /** Removes the bar so that other output (an error) starts on a clean line. */
  clear(): void {
    if (this.terminal && this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
    this.last = '';
  }
}

/** `[██████░░░░░░] 3/5  detail  message` (message without its trailing newline). */
export function terminalLine(step: ProgressStep): string {
  const text = step.message.replace(/\n+$/, '');
  if (step.total === undefined || step.done === undefined || step.total <= 0) return text;
  const fraction = Math.max(0, Math.min(1, step.done / step.total));
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  const detail = step.detail === undefined ? `${step.done}/${step.total}` : step.detail;
  return `[${bar}] ${detail}  ${shortMessage(text)}`;
}

// On a terminal the bar says the numbers; the words are kept short.
function shortMessage(text: string): string {
  return text.replace(/: \d+ (out )?of \d+ .*$/, '').replace(/\.\.\.$/, '');
}

/** Cut to the terminal's width so that \r redraws one line rather than wrapping. */
function fit(line: string, columns: number): string {
  const width = Math.max(10, columns - 1);
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}
