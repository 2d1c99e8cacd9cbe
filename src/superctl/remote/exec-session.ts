// The client side of Kubernetes' remotecommand over WebSocket (v5.channel.k8s.io, falling back to
// v4): every message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (the final
// Status, carrying the exit code), 4 resize ({"Width":w,"Height":h}); v5 adds 255 "close", with
// which the client says stdin has ended. Resolves with the command's exit code.
import type { Readable, Writable } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { ClientConfig } from '../../client/kubeconfig.js';
import { CliError } from '../cli-error.js';
import { openWebSocket } from './stream-request.js';

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export interface TerminalSize {
  readonly width: number;
  readonly height: number;
}

export interface ExecRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: readonly string[];
  /** Where stdin comes from; undefined: no stdin. */
  readonly stdin?: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly tty: boolean;
  /** The terminal's size now, and a way to hear when it changes (returns an unsubscribe). */
  readonly terminalSize?: () => TerminalSize | undefined;
  readonly onResize?: (listener: () => void) => () => void;
  /** exec or attach. */
  readonly subresource?: 'exec' | 'attach';
}

interface Status {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** The exit code a Status reports: 0 on Success, the ExitCode cause on NonZeroExitCode. */
export function exitCodeOf(status: Status): number {
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return code;
  }
  throw new CliError(`error: ${status.message ?? 'the command failed'}`);
}

export async function runRemoteCommand(config: ClientConfig, request: ExecRequest): Promise<number> {
  const query = new URLSearchParams();
  for (const arg of request.command) query.append('command', arg);
  query.set('container', request.container);
  query.set('stdin', String(request.stdin !== undefined));
  query.set('stdout', 'true');
  query.set('stderr', String(!request.tty));
  query.set('tty', String(request.tty));
  const path = `/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.pod)}/${request.subresource ?? 'exec'}`;
  const ws = await openWebSocket(config, path, query, [PROTOCOL_V5, PROTOCOL_V4]);
  return converse(ws, request);
}

function converse(ws: WebSocket, request: ExecRequest): Promise<number> {
  const v5 = ws.protocol === PROTOCOL_V5;
  const send = (channel: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  const sendSize = (): void => {
    const size = request.terminalSize?.();
    if (size !== undefined) send(CHANNEL.resize, Buffer.from(JSON.stringify({ Width: size.width, Height: size.height })));
  };
  const cleanups: (() => void)[] = [];
  if (request.tty) {
    sendSize();
    const off = request.onResize?.(sendSize);
    if (off !== undefined) cleanups.push(off);
  }
  const stdin = request.stdin;
  if (stdin !== undefined) {
    const onData = (chunk: Buffer | string): void => send(CHANNEL.stdin, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    // v4 has no way to say stdin ended: the command keeps its stdin open, as with kubectl.
    const onEnd = (): void => {
      if (v5) send(CHANNEL.close, Buffer.from([CHANNEL.stdin]));
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    cleanups.push(() => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
    });
  }
  return new Promise<number>((resolve, reject) => {
    let status: Status | undefined;
    ws.on('message', (data: RawData) => {
      const message = toBuffer(data);
      const payload = message.subarray(1);
      if (message[0] === CHANNEL.stdout) request.stdout.write(payload);
      else if (message[0] === CHANNEL.stderr) request.stderr.write(payload);
      else if (message[0] === CHANNEL.error && payload.length > 0) {
        try {
          status = JSON.parse(payload.toString('utf8')) as Status;
        } catch {
          status = { status: 'Failure', message: payload.toString('utf8') };
        }
      }
    });
    ws.once('error', (error) => {
      for (const c of cleanups) c();
      reject(error);
    });
    ws.once('close', () => {
      for (const c of cleanups) c();
      try {
        // A connection that closes without a Status ended normally (v4 servers may send none).
        resolve(status === undefined ? 0 : exitCodeOf(status));
      } catch (error) {
        reject(error);
      }
    });
  });
}
