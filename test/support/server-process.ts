import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The compiled server, as `npm start` runs it (`npm test` builds first). */
export const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** A minimal environment for a server process: nothing of the test runner's own configuration leaks in. */
export function cleanEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return {
    ...Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]!])),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
}

export interface ServerProcess {
  port: number;
  base: string;
  output(): string;
  /** Resolves with the exit code, or the signal that ended the process (e.g. SIGKILL). */
  exited: Promise<number | string | null>;
  stop(): Promise<number | string | null>;
}

/** Starts the compiled server and waits until it prints where it listens. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const deadline = Date.now() + 30_000;
  let port = 0;
  while (!port && Date.now() < deadline) {
    port = Number(/listening on http:\/\/localhost:(\d+)/.exec(output)?.[1] ?? 0);
    if (!port) await new Promise((r) => setTimeout(r, 100));
  }
  if (!port) {
    child.kill('SIGKILL');
    throw new Error(`server did not start:\n${output}`);
  }
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-1), 15_000))]);
    },
  };
}
