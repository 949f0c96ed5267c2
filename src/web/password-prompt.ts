// Reads a password: on a terminal without echo (asked twice), else the first line of standard input
// (`printf '%s\n' "$PW" | monitor users add alice` in a provisioning script).

import { createInterface } from 'node:readline';
import type { Output } from '../context.js';

type TtyInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };

function readHidden(input: TtyInput, out: Output, prompt: string): Promise<string> {
  out.error(prompt);
  return new Promise((resolve, reject) => {
    let text = '';
    input.setRawMode!(true);
    input.resume();
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') {
          done();
          out.error('\n');
          resolve(text);
          return;
        }
        if (char === '\u0003') {
          done();
          out.error('\n');
          reject(new Error('interrupted'));
          return;
        }
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1);
        else text += char;
      }
    };
    const done = (): void => {
      input.off('data', onData);
      input.setRawMode!(false);
      input.pause();
    };
    input.on('data', onData);
  });
}

export async function readPassword(input: NodeJS.ReadableStream, out: Output): Promise<{ password: string; repeated: string | null }> {
  const tty = input as TtyInput;
  if (tty.isTTY && typeof tty.setRawMode === 'function') {
    const password = await readHidden(tty, out, 'Password: ');
    const repeated = await readHidden(tty, out, 'Repeat it: ');
    return { password, repeated };
  }
  const lines = createInterface({ input, terminal: false })[Symbol.asyncIterator]();
  const first = await lines.next();
  return { password: first.done ? '' : String(first.value), repeated: null };
}
