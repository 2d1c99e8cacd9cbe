// etcd's Watch service: one bidirectional stream carries many watches. Each watch consumes a
// Backend watch and forwards its events; events that are ready together leave in one response.
// When the client cannot keep up, gRPC's buffer fills, the watch stops reading, the Backend cuts it
// off (WatchOverflowError) and the client is told to resume, as etcd tells a compacted watcher.
import type * as grpc from '@grpc/grpc-js';
import type { Backend, WatchEvent } from '../backend.js';
import { CompactedError, isStoreError, WatchOverflowError } from '../errors.js';
import { int, keyOf, pbKv, rangeEndOf } from './convert.js';
import type { PbEvent, PbHeader, PbWatchCreateRequest, PbWatchRequest, PbWatchResponse } from './proto.js';

type WatchStream = grpc.ServerDuplexStream<PbWatchRequest, PbWatchResponse>;

export class WatchService {
  constructor(
    private readonly backend: Backend,
    private readonly header: (revision: number) => PbHeader,
  ) {}

  handle(stream: WatchStream): void {
    const watches = new Map<string, AbortController>();
    let nextId = 0;
    const send = (response: PbWatchResponse): boolean => {
      if (stream.destroyed || stream.writableEnded) return false;
      return stream.write(response);
    };
    const cancelAll = (): void => {
      for (const controller of watches.values()) controller.abort();
      watches.clear();
    };
    stream.on('data', (request: PbWatchRequest) => {
      if (request.create_request) {
        const requested = int(request.create_request.watch_id);
        const id = String(requested > 0 ? requested : nextId++);
        if (watches.has(id)) {
          send({ header: this.header(0), watch_id: id, created: true, canceled: true, cancel_reason: 'duplicate watch id' });
          return;
        }
        const controller = new AbortController();
        watches.set(id, controller);
        void this.run(id, request.create_request, controller.signal, send, stream).finally(() => {
          if (watches.get(id) === controller) watches.delete(id);
        });
      } else if (request.cancel_request) {
        const id = String(int(request.cancel_request.watch_id));
        const controller = watches.get(id);
        if (controller === undefined) return;
        watches.delete(id);
        controller.abort();
        void this.backend.status().then((s) => send({ header: this.header(s.revision), watch_id: id, canceled: true }));
      } else if (request.progress_request) {
        // etcd answers a progress request with watch id -1 and the current revision.
        void this.backend.status().then((s) => send({ header: this.header(s.revision), watch_id: -1 }));
      }
    });
    stream.on('end', () => {
      cancelAll();
      stream.end();
    });
    stream.on('error', cancelAll);
    stream.on('close', cancelAll);
  }

  private async run(
    id: string,
    create: PbWatchCreateRequest,
    signal: AbortSignal,
    send: (response: PbWatchResponse) => boolean,
    stream: WatchStream,
  ): Promise<void> {
    let lastRevision = 0;
    try {
      const rangeEnd = rangeEndOf(create.range_end, create.key);
      const events = this.backend.watch({
        key: keyOf(create.key),
        ...(rangeEnd === undefined ? {} : { rangeEnd }),
        startRevision: int(create.start_revision),
        prevKv: create.prev_kv,
        noPut: create.filters.includes('Noput'),
        noDelete: create.filters.includes('Nodelete'),
        progressNotify: create.progress_notify,
        signal,
      });
      const status = await this.backend.status();
      send({ header: this.header(status.revision), watch_id: id, created: true });
      let batch: PbEvent[] = [];
      let flushing = false;
      const flush = (): void => {
        flushing = false;
        if (batch.length === 0) return;
        const events = batch;
        batch = [];
        send({ header: this.header(lastRevision), watch_id: id, events });
      };
      for await (const event of events) {
        if (event.type === 'progress') {
          flush();
          send({ header: this.header(event.revision), watch_id: id });
          continue;
        }
        // Respect gRPC back-pressure, but only between revisions: etcd never splits a revision's
        // events across responses, and a client resuming after a cut must not miss part of one.
        if (event.kv.modRevision !== lastRevision && stream.writableNeedDrain) {
          flush();
          await new Promise((resolve) => stream.once('drain', resolve));
        }
        lastRevision = event.kv.modRevision;
        batch.push(pbEvent(event));
        if (!flushing) {
          flushing = true;
          setImmediate(flush);
        }
      }
      flush();
    } catch (error) {
      if (error instanceof CompactedError) {
        send({ header: this.header(0), watch_id: id, canceled: true, compact_revision: error.compactRevision });
      } else if (error instanceof WatchOverflowError) {
        send({ header: this.header(lastRevision), watch_id: id, canceled: true, cancel_reason: error.message });
      } else {
        const reason = isStoreError(error) || error instanceof Error ? error.message : String(error);
        send({ header: this.header(0), watch_id: id, created: true, canceled: true, cancel_reason: reason });
      }
    }
  }
}

function pbEvent(event: Exclude<WatchEvent, { type: 'progress' }>): PbEvent {
  const pb: PbEvent = { type: event.type === 'put' ? 'Put' : 'Delete', kv: pbKv(event.kv) };
  if (event.prevKv !== undefined) pb.prev_kv = pbKv(event.prevKv);
  return pb;
}
