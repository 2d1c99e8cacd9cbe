// Kubernetes' remotecommand exchange, whatever carries it (WebSocket v5/v4 for kubectl 1.30+, SPDY
// v4 for older clients): stdin, stdin's end and terminal resizes come in; stdout and stderr go out;
// when the command ends one metav1 Status goes out on the error stream and the exchange closes.
import type { Readable } from 'node:stream';
import type { ExecSession } from '../runtime/runtime.js';

/** Output after the exit is flushed, but a background process holding the stream open does not hold the status back. */
const OUTPUT_GRACE_MS = 2000;

export interface Status {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason?: string; message: string }[] };
  code?: number;
}

export const successStatus = (): Status => ({ metadata: {}, status: 'Success' });

/** As the kubelet reports a non-zero exit; clients read the code from the ExitCode cause. */
export function exitCodeStatus(command: readonly string[], code: number): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function failureStatus(code: 400 | 404 | 500, message: string): Status {
  const reason = code === 400 ? 'BadRequest' : code === 404 ? 'NotFound' : 'InternalError';
  const text = code === 500 ? `Internal error occurred: ${message}` : message;
  return { metadata: {}, status: 'Failure', message: text, reason, details: { causes: [{ message }] }, code };
}

export type ClientInput =
  | { readonly kind: 'stdin'; readonly data: Buffer }
  | { readonly kind: 'stdinEnd' }
  | { readonly kind: 'resize'; readonly width: number; readonly height: number };

/** One client connection, after the upgrade, in the terms of the exchange. */
export interface CommandTransport {
  /** Delivers the client's input in order, including what came before this call. */
  input(handler: (input: ClientInput) => void): void;
  /** Stops and restarts reading from the client (stdin is full). */
  pause(): void;
  resume(): void;
  write(stream: 'stdout' | 'stderr', data: Buffer): Promise<void>;
  /** Sends the status and closes the exchange. */
  finish(status: Status): Promise<void>;
  onClose(handler: () => void): void;
  readonly open: boolean;
}

/** A terminal size message ({"Width":w,"Height":h}); anything else is ignored, as the kubelet only logs it. */
export function parseResize(text: string): { width: number; height: number } | undefined {
  let size: unknown;
  try {
    size = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (size === null || typeof size !== 'object') return undefined;
  const { Width: width, Height: height } = size as { Width?: unknown; Height?: unknown };
  if (typeof width !== 'number' || typeof height !== 'number' || width <= 0 || height <= 0) return undefined;
  return { width, height };
}

/** Copies a stream to the client, one piece in flight at a time (the client's pace). */
function pump(transport: CommandTransport, stream: Readable | undefined, name: 'stdout' | 'stderr'): Promise<void> {
  if (stream === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      stream.pause();
      void transport.write(name, chunk).then(() => stream.resume());
    });
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

/**
 * Connects a running session to the client: input in, output out, then the exit status. Resolves
 * when the exchange is over; a client that leaves closes the session.
 */
export async function serveSession(transport: CommandTransport, session: ExecSession, command: readonly string[]): Promise<void> {
  let stdinEnded = false;
  const endStdin = (): void => {
    if (stdinEnded) return;
    stdinEnded = true;
    session.stdin?.end();
  };
  session.stdin?.on('error', () => {});
  let clientGone = false;
  transport.onClose(() => {
    clientGone = true;
    endStdin();
    session.close?.();
  });
  transport.input((input) => {
    if (input.kind === 'stdin' && !stdinEnded && session.stdin !== undefined) {
      if (!session.stdin.write(input.data)) {
        transport.pause();
        session.stdin.once('drain', () => transport.resume());
      }
    } else if (input.kind === 'stdinEnd') {
      endStdin();
    } else if (input.kind === 'resize') {
      session.resize({ width: input.width, height: input.height }).catch(() => {});
    }
  });
  const outputs = Promise.all([pump(transport, session.stdout, 'stdout'), pump(transport, session.stderr, 'stderr')]);
  let status: Status;
  try {
    const code = await session.exitCode;
    status = code === 0 ? successStatus() : exitCodeStatus(command, code);
  } catch (error) {
    status = failureStatus(500, `error executing command in container: ${error instanceof Error ? error.message : String(error)}`);
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([outputs, new Promise((resolve) => (timer = setTimeout(resolve, OUTPUT_GRACE_MS)))]);
  clearTimeout(timer);
  if (!clientGone) await transport.finish(status);
}
