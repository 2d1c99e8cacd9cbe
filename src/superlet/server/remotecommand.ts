// Kubernetes' remotecommand protocol over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io): every
// binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (one metav1
// Status when the command ends), 4 resize ({"Width":w,"Height":h}); v5 adds 255, a close signal
// whose second byte names the stream the client is done with (stdin). The server closes the
// WebSocket normally after the status, so the client's readers see EOF.
import type { Readable } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import type { ExecSession } from '../runtime/runtime.js';

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
/** Best first: a client offering both gets v5. */
export const SUPPORTED_PROTOCOLS: readonly string[] = [PROTOCOL_V5, PROTOCOL_V4];

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** Output after the exit is flushed, but a background process holding the stream open does not hold the status back. */
const OUTPUT_GRACE_MS = 2000;

export function chooseProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set(offered);
  return SUPPORTED_PROTOCOLS.find((p) => set.has(p));
}

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

function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Sends one message and resolves once it went out (or the connection is gone). */
function send(ws: WebSocket, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState !== WebSocket.OPEN) return resolve();
    ws.send(data, () => resolve());
  });
}

/** Ends the exchange: the status on the error channel, then a normal close. */
export async function finish(ws: WebSocket, status: Status): Promise<void> {
  await send(ws, frame(CHANNEL.error, Buffer.from(JSON.stringify(status))));
  if (ws.readyState === WebSocket.OPEN) ws.close(1000);
}

/** Copies a stream to a channel, one message in flight at a time (the client's pace). */
function pump(ws: WebSocket, stream: Readable | undefined, channel: number): Promise<void> {
  if (stream === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      stream.pause();
      void send(ws, frame(channel, chunk)).then(() => stream.resume());
    });
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

/**
 * Holds what the client sends from the moment of the upgrade until the session exists: clients
 * send stdin (and v5's close) at once, while starting the command in the runtime takes a while.
 */
export class Inbox {
  private readonly held: Buffer[] = [];
  private handler: ((message: Buffer) => void) | undefined;

  constructor(ws: WebSocket) {
    ws.on('message', (data: RawData) => {
      const message = toBuffer(data);
      if (this.handler === undefined) this.held.push(message);
      else this.handler(message);
    });
  }

  /** Delivers the held messages, then every later one, to `handler`. */
  take(handler: (message: Buffer) => void): void {
    this.handler = handler;
    for (const message of this.held.splice(0)) handler(message);
  }
}

/**
 * Connects a running session to the client: stdin and resize in, stdout and stderr out, then the
 * exit status. Resolves when the exchange is over; a client that leaves closes the session.
 */
export async function serveSession(ws: WebSocket, inbox: Inbox, session: ExecSession, command: readonly string[]): Promise<void> {
  const v5 = ws.protocol === PROTOCOL_V5;
  let stdinEnded = false;
  const endStdin = (): void => {
    if (stdinEnded) return;
    stdinEnded = true;
    session.stdin?.end();
  };
  session.stdin?.on('error', () => {});
  let clientGone = false;
  ws.once('close', () => {
    clientGone = true;
    endStdin();
    session.close?.();
  });
  inbox.take((message) => {
    const channel = message[0];
    const payload = message.subarray(1);
    if (channel === CHANNEL.stdin && !stdinEnded && payload.length > 0 && session.stdin !== undefined) {
      // The client's pace follows the command's: stop reading while stdin is full.
      if (!session.stdin.write(payload)) {
        ws.pause();
        session.stdin.once('drain', () => ws.resume());
      }
    } else if (channel === CHANNEL.resize) {
      resize(session, payload);
    } else if (channel === CHANNEL.close && v5 && payload[0] === CHANNEL.stdin) {
      endStdin();
    }
  });
  const outputs = Promise.all([pump(ws, session.stdout, CHANNEL.stdout), pump(ws, session.stderr, CHANNEL.stderr)]);
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
  if (!clientGone) await finish(ws, status);
}

function resize(session: ExecSession, payload: Buffer): void {
  let size: { Width?: unknown; Height?: unknown };
  try {
    size = JSON.parse(payload.toString('utf8')) as { Width?: unknown; Height?: unknown };
  } catch {
    return; // A malformed resize is ignored, as the kubelet only logs it.
  }
  const { Width: width, Height: height } = size ?? {};
  if (typeof width !== 'number' || typeof height !== 'number' || width <= 0 || height <= 0) return;
  session.resize({ width, height }).catch(() => {});
}
