// Runs the whole CLI in-process with captured output (no build, no child process).
import { runCli } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliCaptured(argv: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; isTTY?: boolean; prompt?: (question: string) => Promise<string> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd ?? process.cwd(),
    isTTY: opts.isTTY ?? false,
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
  });
  return { code, stdout, stderr };
}
