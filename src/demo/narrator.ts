// The demo's voice: numbered steps, indented detail, a progress bar that redraws in place on a
// terminal (and prints once when piped), and an optional pause between steps. Each step, and each
// pause, ends the demo when it was stopped (Ctrl-C, SIGTERM, or its output closed: `| head -3`).

import { createInterface, type Interface } from 'node:readline';
import type { ChalkInstance } from 'chalk';
import type { Output } from '../context.js';
import { makeChalk } from '../output/colour.js';

export class Narrator {
  readonly chalk: ChalkInstance;
  private step = 0;

  constructor(
    private readonly out: Output,
    private readonly totalSteps: number,
    private readonly pause: { input: NodeJS.ReadableStream } | null,
    private readonly signal: AbortSignal,
  ) {
    this.chalk = makeChalk(out.color);
  }

  async heading(text: string): Promise<void> {
    this.signal.throwIfAborted();
    if (this.step > 0 && this.pause) await this.waitForEnter();
    this.step += 1;
    this.out.write(`\n${this.chalk.bold.cyan(`[${this.step}/${this.totalSteps}]`)} ${this.chalk.bold(text)}\n`);
  }

  say(text: string): void {
    this.out.write(`${text}\n`);
  }

  detail(text: string): void {
    this.out.write(`    ${text}\n`);
  }

  command(text: string): void {
    this.out.write(`  ${this.chalk.dim('$')} ${this.chalk.bold(text)}\n`);
  }

  /** Returns a function to report progress; the bar redraws in place only on a terminal. */
  progress(label: string, total: number): (done: number) => void {
    const width = 24;
    const render = (done: number): string => {
      const filled = Math.round((done / total) * width);
      return `    ${label} ${this.chalk.green('█'.repeat(filled))}${this.chalk.dim('░'.repeat(width - filled))} ${done}/${total}`;
    };
    return (done) => {
      if (this.out.isTTY) this.out.write(`\r${render(done)}${done === total ? '\n' : ''}`);
      else if (done === total) this.out.write(`${render(done)}\n`);
    };
  }

  private reader: Interface | null = null;
  private lines: AsyncIterator<string> | null = null;

  /** One reader for the whole demo: lines typed (or piped) ahead are kept for the next pause. */
  private async waitForEnter(): Promise<void> {
    this.reader ??= createInterface({ input: this.pause!.input, terminal: false });
    this.lines ??= this.reader[Symbol.asyncIterator]();
    this.out.write(this.chalk.dim('  (press Enter to continue)'));
    const signal = this.signal;
    let onAbort = (): void => undefined;
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      // At end of input next() returns done: nothing left to wait for.
      await Promise.race([this.lines.next(), stopped]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    this.out.write('\n');
  }

  /** Stops reading standard input, so nothing is left waiting on it. */
  close(): void {
    this.reader?.close();
  }
}
