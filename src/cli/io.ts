import { fstatSync, statSync, writeSync } from 'node:fs';
/** What a command may touch of the outside world, injected so tests run main() in-process. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: Record<string, string | undefined>;
  /** The clock (default: the system's); tests pin it. */
  now?: () => Date;
}

/**
 * The process's io. stderr and stdin are opened on first use: Node builds each
 * stream when first read (stdin a socket or a tty, which loads the network
 * stack), and most runs never touch them (issue 21: start-up).
 */
export function processIo(): CliIo {
  return {
    stdout: processStdout(),
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    cwd: process.cwd(),
    env: process.env,
  };
}

/**
 * stdout. A file, a pipe, a socket or /dev/null is written with fs.writeSync:
 * what Node's own stream does for these on Linux and macOS (writes to them are
 * synchronous there), without the milliseconds of building that stream at every
 * start. A terminal, Windows, or a stdout that refuses a synchronous write
 * (EAGAIN: non-blocking) gets process.stdout. Either way `flags list | head`
 * closing the pipe early is not an error: the process ends quietly.
 */
function processStdout(): OutStream {
  const closed = () => process.exit(process.exitCode ?? 0);
  let stream: OutStream | undefined;
  const toStream = () => {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') closed();
      throw e;
    });
    return (stream = process.stdout);
  };
  if (!writesSynchronously()) return toStream();
  return {
    isTTY: false,
    write(chunk: string) {
      if (stream) return stream.write(chunk);
      let rest = Buffer.from(chunk);
      while (rest.length > 0) {
        try {
          rest = rest.subarray(writeSync(1, rest));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') closed();
          if (code !== 'EAGAIN') throw e;
          return toStream().write(rest.toString());
        }
      }
      return true;
    },
  };
}

function writesSynchronously(): boolean {
  if (process.platform === 'win32') return false;
  try {
    const stat = fstatSync(1);
    if (stat.isFile() || stat.isFIFO() || stat.isSocket()) return true;
    return stat.isCharacterDevice() && stat.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}
