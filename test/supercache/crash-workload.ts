// The writing side of the crash test: many etcd3 clients, each a sequential loop of puts,
// overwrites, deletes and txns on keys only it touches, recording every write the server
// acknowledged with the revision from the response header. Anything but success from a live server
// is an anomaly; once the server is killed, errors are expected and end the loop.
import { randomBytes, randomInt } from 'node:crypto';
import { Etcd3, type IOptions } from 'etcd3';

export const PREFIX = 'crash/';

/** One key's change inside an acknowledged write. */
export type AckedOp = { readonly type: 'put'; readonly key: string; readonly value: string } | { readonly type: 'delete'; readonly key: string };

/** A write request the server answered with success. */
export interface Ack {
  readonly revision: number;
  readonly ops: readonly AckedOp[];
  readonly what: string;
}

export function connect(endpoint: string): Etcd3 {
  const options: IOptions = {
    hosts: `http://${endpoint}`,
    grpcOptions: {
      // Separate TCP connections per client, as separate processes would have.
      'grpc.use_local_subchannel_pool': 1,
      // Full-state reads of the whole keyspace exceed gRPC's default 4 MiB.
      'grpc.max_receive_message_length': -1,
    },
  };
  return new Etcd3(options);
}

/** A value that names its writer (for failure messages) padded to a random, mostly small size. */
function valueFor(tag: string): string {
  const size = randomInt(100) < 5 ? randomInt(2_000, 8_000) : randomInt(8, 200);
  return `${tag}:${randomBytes(Math.ceil(size * 0.75)).toString('base64')}`;
}

export interface LoadResult {
  /** Problems seen while the server was alive: failed calls, unexpected answers. */
  readonly anomalies: string[];
}

/**
 * Runs `clients` writers against `endpoint` until `killed()` turns true and each writer's call in
 * flight has settled. `onAck` hears every acknowledged write as it happens.
 */
export async function runLoad(options: {
  readonly endpoint: string;
  readonly clients: number;
  readonly cycle: number;
  readonly killed: () => boolean;
  readonly onAck: (ack: Ack) => void;
}): Promise<LoadResult> {
  const anomalies: string[] = [];
  const writers = Array.from({ length: options.clients }, (_, w) => writer(w));
  await Promise.all(writers);
  return { anomalies };

  async function writer(w: number): Promise<void> {
    const client = connect(options.endpoint);
    const live: string[] = []; // this writer's keys that exist, as far as acknowledged writes say
    let n = 0;
    const newKey = (): string => `${PREFIX}w${w}/c${options.cycle}/k${n++}`;
    try {
      while (!options.killed()) {
        const tag = `c${options.cycle}w${w}n${n}`;
        const dice = randomInt(100);
        try {
          if (dice < 60 || live.length === 0) {
            const key = newKey();
            const value = valueFor(tag);
            const response = await client.put(key).value(value).exec();
            options.onAck({ revision: Number(response.header.revision), ops: [{ type: 'put', key, value }], what: `put ${tag}` });
            live.push(key);
          } else if (dice < 75) {
            const key = live[randomInt(live.length)] as string;
            const value = valueFor(tag);
            const response = await client.put(key).value(value).exec();
            options.onAck({ revision: Number(response.header.revision), ops: [{ type: 'put', key, value }], what: `overwrite ${tag}` });
          } else if (dice < 85) {
            const [key] = live.splice(randomInt(live.length), 1) as [string];
            const response = await client.delete().key(key).exec();
            // Only this writer touches its keys, so a live server must find the key.
            if (response.deleted !== '1') {
              anomalies.push(`writer ${w}: delete of ${key} deleted ${response.deleted} keys`);
              continue;
            }
            options.onAck({ revision: Number(response.header.revision), ops: [{ type: 'delete', key }], what: `delete ${tag}` });
          } else {
            const [a, b] = [newKey(), newKey()];
            const [va, vb] = [valueFor(`${tag}a`), valueFor(`${tag}b`)];
            const response = await client
              .if(a, 'Version', '==', 0)
              .and(b, 'Create', '==', 0)
              .then(client.put(a).value(va), client.put(b).value(vb))
              .else(client.get(a))
              .commit();
            if (!response.succeeded) {
              anomalies.push(`writer ${w}: txn creating fresh keys ${a}, ${b} failed its compare`);
              continue;
            }
            options.onAck({
              revision: Number(response.header.revision),
              ops: [
                { type: 'put', key: a, value: va },
                { type: 'put', key: b, value: vb },
              ],
              what: `txn ${tag}`,
            });
            live.push(a, b);
          }
        } catch (error) {
          // After the kill every call in flight fails; before it, none may.
          if (!options.killed()) anomalies.push(`writer ${w}: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
      }
    } finally {
      client.close();
    }
  }
}
