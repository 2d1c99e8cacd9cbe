// remotecommand over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io): every binary message starts
// with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (the final Status), 4 resize
// ({"Width":w,"Height":h}); v5 adds 255, a close signal whose second byte names the stream the
// client is done with (stdin). After the Status the WebSocket closes normally, so clients read EOF.
import { WebSocket, type RawData } from 'ws';
import { parseResize, type ClientInput, type CommandTransport, type Status } from './remotecommand.js';

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
/** Best first: a client offering both gets v5. */
export const WEBSOCKET_PROTOCOLS: readonly string[] = [PROTOCOL_V5, PROTOCOL_V4];

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export function chooseWebSocketProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set(offered);
  return WEBSOCKET_PROTOCOLS.find((p) => set.has(p));
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class WebSocketTransport implements CommandTransport {
  // Clients send stdin (and v5's close) at once, while starting the command takes a while: what
  // comes before input() is called is held, not dropped.
  private readonly held: ClientInput[] = [];
  private handler: ((input: ClientInput) => void) | undefined;

  constructor(private readonly ws: WebSocket) {
    const v5 = ws.protocol === PROTOCOL_V5;
    ws.on('message', (data: RawData) => {
      const message = toBuffer(data);
      const payload = message.subarray(1);
      let input: ClientInput | undefined;
      if (message[0] === CHANNEL.stdin && payload.length > 0) input = { kind: 'stdin', data: payload };
      else if (message[0] === CHANNEL.close && v5 && payload[0] === CHANNEL.stdin) input = { kind: 'stdinEnd' };
      else if (message[0] === CHANNEL.resize) {
        const size = parseResize(payload.toString('utf8'));
        if (size !== undefined) input = { kind: 'resize', ...size };
      }
      if (input === undefined) return;
      if (this.handler === undefined) this.held.push(input);
      else this.handler(input);
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  input(handler: (input: ClientInput) => void): void {
    this.handler = handler;
    for (const input of this.held.splice(0)) handler(input);
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  write(stream: 'stdout' | 'stderr', data: Buffer): Promise<void> {
    return this.send(stream === 'stdout' ? CHANNEL.stdout : CHANNEL.stderr, data);
  }

  async finish(status: Status): Promise<void> {
    await this.send(CHANNEL.error, Buffer.from(JSON.stringify(status)));
    if (this.open) this.ws.close(1000);
  }

  onClose(handler: () => void): void {
    if (this.ws.readyState === WebSocket.CLOSED) handler();
    else this.ws.once('close', handler);
  }

  /** Sends one message and resolves once it went out (or the connection is gone). */
  private send(channel: number, data: Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (!this.open) return resolve();
      this.ws.send(Buffer.concat([Buffer.from([channel]), data]), () => resolve());
    });
  }
}
