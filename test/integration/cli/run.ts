/** Runs the built CLI (dist/cli.js) as a child process, as a user would, for the CLI test files. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve(__dirname, '../../../dist/cli.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `amtwb ARGS` with AMT_PASSWORD cleared unless `env` sets it; killed after 30 s so a hang fails the test. */
export function amtwb(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runProgram(process.execPath, [CLI, ...args], { env: { AMT_PASSWORD: undefined, ...env } });
}

/** Any program with `env` over this process's environment and `input` on stdin (none: stdin stays open); killed after 30 s. */
export function runProgram(command: string, args: string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
  });
}
