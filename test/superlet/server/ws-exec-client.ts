// A minimal remotecommand WebSocket client for tests: sends stdin (and v5's close signal) and
// resize messages, collects stdout, stderr and the status from the error channel.
import { WebSocket, type ClientOptions, type RawData } from 'ws';

export interface ExecOutcome {
  readonly protocol: string;
  readonly stdout: string;
  readonly stderr: string;
  /** The Status from channel 3, parsed. */
  readonly status: { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } } | undefined;
  readonly closeCode: number;
}

export interface ExecClientOptions {
  readonly url: string;
  readonly protocols?: readonly string[];
  readonly tls: ClientOptions;
  readonly stdin?: string;
  /** Send v5's close signal for stdin after the input (default true). */
  readonly closeStdin?: boolean;
  readonly resize?: { Width: number; Height: number };
}

export function runExec(options: ExecClientOptions): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.url, [...(options.protocols ?? ['v5.channel.k8s.io', 'v4.channel.k8s.io'])], options.tls);
    let stdout = '';
    let stderr = '';
    let status: ExecOutcome['status'];
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => reject(new Error(`upgrade refused: ${response.statusCode ?? 0} ${body}`)));
    });
    ws.once('error', reject);
    ws.once('open', () => {
      if (options.resize !== undefined) ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify(options.resize))]));
      if (options.stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(options.stdin)]));
        if (options.closeStdin !== false) ws.send(Buffer.from([255, 0]));
      }
    });
    ws.on('message', (data: RawData) => {
      const message = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      const text = message.subarray(1).toString('utf8');
      if (message[0] === 1) stdout += text;
      else if (message[0] === 2) stderr += text;
      else if (message[0] === 3) status = JSON.parse(text) as ExecOutcome['status'];
    });
    ws.once('close', (closeCode) => resolve({ protocol: ws.protocol, stdout, stderr, status, closeCode }));
  });
}
