// Asking the person at the terminal (only ever called when io.isTTY). Ctrl-C at the prompt is a
// "no", not a silent exit.

import { createInterface } from 'node:readline';
import type { CommandContext } from './io.js';

export async function ask(ctx: CommandContext, question: string): Promise<boolean> {
  ctx.io.stderr(`${question} [y/N] `);
  const answer = ctx.io.prompt ? await ctx.io.prompt(question) : await readLine();
  return /^y(es)?$/i.test(answer.trim());
}

async function readLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: undefined, terminal: false });
  try {
    return await new Promise<string>((res) => {
      rl.on('SIGINT', () => res(''));
      rl.on('close', () => res(''));
      rl.once('line', res);
    });
  } finally {
    rl.close();
  }
}
