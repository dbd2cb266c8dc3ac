/**
 * A service run as a real child process by a test. It listens on a port the operating system
 * picks (PORT=0), and the test learns that port from the service's own `listening` log line:
 * a port chosen by the test could already be taken by any socket on the machine (an ephemeral
 * client port, another test's broker), and the child would die before the test saw why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** How much of a child's output is kept for a failing test's message. */
export const serviceOutputKeepChars = 20_000;
export const servicePortWaitMsDefault = 60_000;

export interface ServiceProcess {
  child: ChildProcess;
  /** The port the service listens on, once it does; rejects with its output if it exits first. */
  port(timeoutMs?: number): Promise<number>;
  /** The last of what the process printed (and how it exited), for a failing test's message. */
  output(): string;
  exited(): Promise<number | null>;
}

export function spawnServiceProcess(options: { entry: string; cwd: string; env: Record<string, string | undefined> }): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', options.entry], {
    cwd: options.cwd,
    // At info the service says where it listens; it logs nothing per request or per batch there.
    // A test that calls no internal route needs no particular internal key: a fresh one will do.
    env: { LOG_LEVEL: 'info', INTERNAL_AUTH_KEY: randomBytes(32).toString('hex'), ...options.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let lineStart = '';
  let port: number | null = null;
  const portWaiters: ((port: number) => void)[] = [];
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString('utf8')).slice(-serviceOutputKeepChars));
  child.stdout?.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (port !== null) return;
    const lines = (lineStart + chunk.toString('utf8')).split('\n');
    lineStart = lines.pop() ?? '';
    for (const line of lines) {
      const found = /"address":"http:\/\/[^"]*:(\d+)"/.exec(line);
      if (found && line.includes('"msg":"listening"')) {
        port = Number(found[1]);
        for (const wake of portWaiters.splice(0)) wake(port);
        return;
      }
    }
  });
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      keep(Buffer.from(`\n[exited: code ${code}, signal ${signal}]\n`));
      resolve(code);
    }),
  );
  return {
    child,
    output: () => output,
    exited: () => exited,
    port: (timeoutMs = servicePortWaitMsDefault) => {
      if (port !== null) return Promise.resolve(port);
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${options.entry} did not listen within ${timeoutMs} ms; its output:\n${output}`)), timeoutMs);
        portWaiters.push((p) => {
          clearTimeout(timer);
          resolve(p);
        });
        void exited.then(() => {
          clearTimeout(timer);
          if (port === null) reject(new Error(`${options.entry} exited before it listened; its output:\n${output}`));
        });
      });
    },
  };
}
