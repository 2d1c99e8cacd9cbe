// kubectl describe's PrefixWriter: lines at indent levels (two spaces each), tab-separated cells,
// aligned by Go's tabwriter rules when flushed; flush() ends the current alignment block, as the
// events table does upstream.
import { formatGoTabs } from './go-tab-writer.js';

export class PrefixWriter {
  private pending = '';
  private done = '';

  write(level: number, text: string): void {
    this.pending += '  '.repeat(level) + text;
  }

  /** A line (the text must not end with a newline). */
  line(level: number, text: string): void {
    this.write(level, `${text}\n`);
  }

  flush(): void {
    this.done += formatGoTabs(this.pending);
    this.pending = '';
  }

  toString(): string {
    this.flush();
    return this.done;
  }
}
