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
    stdout: process.stdout,
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
