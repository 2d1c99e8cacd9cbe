// DNS over UDP and TCP on one port of one or more addresses: decodes each query with dns-packet,
// asks the handler, encodes the reply. UDP replies that do not fit the client's buffer (512 bytes,
// or its EDNS size) go back truncated so the client asks again over TCP, as RFC 1035 and 6891 say.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet } from 'dns-packet';
import type { Logger } from '../../util/log.js';

export type DnsHandler = (query: DecodedPacket) => Packet;

export interface DnsServerOptions {
  readonly addresses: readonly string[];
  /** 0 picks a free port, the same one for every address and both protocols. */
  readonly port: number;
  readonly handle: DnsHandler;
  readonly logger: Logger;
}

const CLASSIC_UDP_SIZE = 512;
const MAX_UDP_SIZE = 4096;
const TCP_IDLE_MS = 10_000;
// RFC 1035 RCODE FORMERR, for a query that does not decode.
const FORMERR = 1;
// Tries at a free port shared by all sockets when port 0 was asked for.
const PORT_TRIES = 10;

export class DnsServer {
  private readonly udp: UdpSocket[] = [];
  private readonly tcp: Server[] = [];
  private readonly connections = new Set<Socket>();
  private boundPort = 0;

  constructor(private readonly options: DnsServerOptions) {}

  get port(): number {
    return this.boundPort;
  }

  /** Binds every socket; rejects (with nothing left open) when an address or the port is unusable. */
  async listen(): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bindAll(this.options.port);
        return this.boundPort;
      } catch (error) {
        await this.close();
        const code = (error as NodeJS.ErrnoException).code;
        if (this.options.port === 0 && code === 'EADDRINUSE' && attempt < PORT_TRIES) continue;
        throw listenError(error, this.options.addresses, this.options.port);
      }
    }
  }

  private async bindAll(requested: number): Promise<void> {
    let port = requested;
    for (const address of this.options.addresses) {
      const udp = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
      this.udp.push(udp);
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(port, address, () => {
          udp.off('error', reject);
          resolve();
        });
      });
      port = udp.address().port;
      udp.on('message', (message, remote) => this.answerUdp(udp, message, remote.address, remote.port));
      udp.on('error', (error) => this.options.logger.warn('DNS UDP socket error', { address, error }));

      const tcp = createServer((socket) => this.serveTcp(socket));
      this.tcp.push(tcp);
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, address, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    }
    this.boundPort = port;
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
    await Promise.all(this.udp.splice(0).map((udp) => new Promise<void>((resolve) => {
      try {
        udp.close(() => resolve());
      } catch {
        resolve(); // never bound
      }
    })));
    await Promise.all(this.tcp.splice(0).map((tcp) => new Promise<void>((resolve) => {
      if (!tcp.listening) resolve();
      else tcp.close(() => resolve());
    })));
  }

  /** The encoded reply, or undefined when the query cannot even carry an id back. */
  private reply(message: Buffer): { reply: Buffer; packet: Packet; query?: DecodedPacket } | undefined {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      if (message.length < 2) return undefined;
      const packet: Packet = { type: 'response', id: message.readUInt16BE(0), flags: FORMERR, questions: [], answers: [] };
      return { reply: dnsPacket.encode(packet), packet };
    }
    if (query.type !== 'query') return undefined;
    const packet = this.options.handle(query);
    return { reply: dnsPacket.encode(packet), packet, query };
  }

  private answerUdp(udp: UdpSocket, message: Buffer, address: string, port: number): void {
    try {
      const result = this.reply(message);
      if (result === undefined) return;
      let { reply } = result;
      const limit = udpLimit(result.query);
      if (reply.length > limit) {
        // Truncated: the header and question only, with TC set; the client retries over TCP.
        reply = dnsPacket.encode({ ...result.packet, flags: (result.packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: [] });
      }
      udp.send(reply, port, address);
    } catch (error) {
      this.options.logger.warn('DNS query over UDP failed', { error });
    }
  }

  private serveTcp(socket: Socket): void {
    this.connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      // Each message is prefixed by its two-byte length (RFC 1035 4.2.2); several may share a connection.
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        try {
          const result = this.reply(message);
          if (result === undefined) {
            socket.destroy();
            return;
          }
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(result.reply.length);
          socket.write(Buffer.concat([prefix, result.reply]));
        } catch (error) {
          this.options.logger.warn('DNS query over TCP failed', { error });
          socket.destroy();
          return;
        }
      }
    });
  }
}

function udpLimit(query: DecodedPacket | undefined): number {
  const opt = query?.additionals?.find((a) => a.type === 'OPT');
  if (opt === undefined || !('udpPayloadSize' in opt)) return CLASSIC_UDP_SIZE;
  return Math.min(MAX_UDP_SIZE, Math.max(CLASSIC_UDP_SIZE, opt.udpPayloadSize));
}

/** One line that says where and why, keeping the system error's code (EADDRINUSE, EACCES, EADDRNOTAVAIL) for callers. */
function listenError(error: unknown, addresses: readonly string[], port: number): Error {
  const cause = error as NodeJS.ErrnoException;
  const why = cause.code === 'EADDRINUSE' ? 'the address is in use (another DNS server, or another node on this host)'
    : cause.code === 'EACCES' ? 'a port below 1024 needs root or CAP_NET_BIND_SERVICE'
      : cause.code === 'EADDRNOTAVAIL' ? 'no interface of this machine has that address'
        : cause.message;
  const wrapped: NodeJS.ErrnoException = new Error(`cluster DNS cannot listen on ${addresses.join(', ')} port ${port}: ${why}`, { cause: error });
  if (cause.code !== undefined) wrapped.code = cause.code;
  return wrapped;
}
