// One etcd watch = one gRPC Watch stream carrying one watcher. The stream is opened as soon as
// watch() is called; events are buffered (bounded) until the consumer takes them, and nothing is
// delivered before etcd confirmed the watcher (created=true), so a start revision of 0 means
// "changes after the watcher exists". Ending the iteration or aborting cancels the stream, which
// makes etcd drop the watcher.
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import type { WatchEvent, WatchOptions } from '../backend.js';
import { CompactedError, StoreError, WatchOverflowError } from '../errors.js';
import type { EtcdConnection } from './etcd-connection.js';
import { headerRevision, int64, optionalKv, rangeFields, toKeyValue } from './etcd-convert.js';
import { translateGrpcError } from './etcd-errors.js';

type WatchStream = ClientDuplexStream<IWatchRequest, IWatchResponse>;

// etcd's FilterType numbers (rpc.proto).
const FILTER_NOPUT = 0;
const FILTER_NODELETE = 1;

const eventRevision = (event: WatchEvent): number => (event.type === 'progress' ? event.revision + 1 : event.kv.modRevision);

export class EtcdWatch implements AsyncIterable<WatchEvent>, AsyncIterator<WatchEvent> {
  private stream: WatchStream | undefined;
  private readonly queue: WatchEvent[] = [];
  private head = 0;
  private created = false;
  private finished = false;
  private failure: StoreError | undefined;
  private waiter: { resolve: (result: IteratorResult<WatchEvent>) => void; reject: (error: unknown) => void } | undefined;
  private readonly onAbort = (): void => this.finish();

  constructor(
    private readonly connection: EtcdConnection,
    private readonly options: WatchOptions,
    private readonly backlogLimit: number,
    private readonly onDone: (watch: EtcdWatch) => void,
  ) {
    if (options.signal?.aborted) {
      this.finish();
      return;
    }
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    void this.open();
  }

  get isFinished(): boolean {
    return this.finished;
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return this;
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    if (this.head < this.queue.length) return Promise.resolve({ value: this.shift(), done: false });
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Asks etcd for a progress response on this stream (WatchProgressRequest, etcd 3.4+). */
  requestProgress(): void {
    if (this.finished || !this.created || this.options.progressNotify !== true) return;
    this.stream?.write({ progress_request: {} });
  }

  /** Ends the watch; with an error, the consumer gets it once the already-delivered events are taken. */
  finish(error?: StoreError): void {
    if (this.finished) return;
    this.finished = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (error !== undefined) this.failure = error;
    // Aborts, overflows and errors drop what is buffered: the consumer resumes from a revision.
    this.queue.length = 0;
    this.head = 0;
    this.cancelStream();
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) {
      if (error !== undefined) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
    this.onDone(this);
  }

  private shift(): WatchEvent {
    const event = this.queue[this.head++] as WatchEvent;
    if (this.paused && this.queue.length - this.head <= this.backlogLimit >> 1) this.resumeStream();
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return event;
  }

  private async open(): Promise<void> {
    let stream: WatchStream;
    try {
      // "hasleader" makes etcd cancel the stream when the member loses its leader (as clientv3 does).
      stream = await this.connection.duplex<IWatchRequest, IWatchResponse>('Watch', 'watch', { hasleader: 'true' });
    } catch (error) {
      this.finish(translateGrpcError(error));
      return;
    }
    if (this.finished) {
      cancelQuietly(stream);
      return;
    }
    this.stream = stream;
    stream.on('data', (response: IWatchResponse) => this.onResponse(response));
    stream.on('error', (error: Error) => this.finish(translateGrpcError(error)));
    stream.on('end', () => this.finish(new StoreError('Unavailable', 'etcd: watch stream ended')));
    const { options } = this;
    const filters = [...(options.noPut ? [FILTER_NOPUT] : []), ...(options.noDelete ? [FILTER_NODELETE] : [])];
    stream.write({
      create_request: {
        ...rangeFields(options),
        start_revision: options.startRevision ?? 0,
        progress_notify: options.progressNotify === true,
        prev_kv: options.prevKv === true,
        filters,
      },
    });
  }

  private onResponse(response: IWatchResponse): void {
    if (this.finished) return;
    if (response.canceled) {
      // A start revision below the compaction point is reported after "created", as a cancel.
      const compactRevision = int64(response.compact_revision);
      const reason = response.cancel_reason || 'etcd: watch canceled by the server';
      this.finish(compactRevision > 0 ? new CompactedError(compactRevision) : new StoreError('Unavailable', reason));
      return;
    }
    if (response.created) {
      this.created = true;
      this.createdRevision = headerRevision(response.header);
      return;
    }
    if (!this.created) return;
    const events = response.events ?? [];
    if (events.length === 0) {
      if (this.options.progressNotify && !response.fragment) {
        this.push({ type: 'progress', revision: headerRevision(response.header) });
      }
    } else {
      for (const event of events) this.push(toWatchEvent(event, this.options.prevKv === true));
    }
    // etcd replays the history up to the watch's creation in large responses: a consumer catching
    // up is paced by pausing the stream (gRPC flow control then slows etcd down). Events after the
    // creation are live and cannot wait: a backlog of them past the limit cuts the consumer off.
    if (this.queue.length - this.head > this.backlogLimit) {
      const lastEvent = events[events.length - 1];
      const catchingUp = lastEvent !== undefined && int64(lastEvent.kv?.mod_revision) <= this.createdRevision;
      if (catchingUp) {
        if (!this.paused) this.pauseStream();
      } else {
        const oldest = this.queue[this.head] as WatchEvent;
        this.finish(new WatchOverflowError(eventRevision(oldest)));
      }
    }
  }

  private push(event: WatchEvent): void {
    const waiter = this.waiter;
    if (waiter !== undefined && this.head === this.queue.length) {
      this.waiter = undefined;
      waiter.resolve({ value: event, done: false });
      return;
    }
    this.queue.push(event);
  }

  private paused = false;
  /** The store's revision when etcd created the watch: events up to it are history. */
  private createdRevision = 0;

  private pauseStream(): void {
    this.paused = true;
    this.stream?.pause();
  }

  private resumeStream(): void {
    this.paused = false;
    this.stream?.resume();
  }

  private cancelStream(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (stream !== undefined) cancelQuietly(stream);
  }
}

/** Cancelling the call (RST_STREAM) makes etcd close the stream and all its watchers. */
function cancelQuietly(stream: WatchStream): void {
  // After cancel() gRPC emits 'error' (CANCELLED): keep a listener so it is not unhandled.
  stream.on('error', () => {});
  try {
    stream.end();
    stream.cancel();
  } catch {
    // Already closed.
  }
}

function toWatchEvent(event: IEvent, withPrevKv: boolean): WatchEvent {
  // etcd's delete event kv carries the key, mod_revision = the deleting revision, version 0.
  const type = (event.type as string) === 'Delete' || (event.type as unknown) === 1 ? 'delete' : 'put';
  const kv = toKeyValue(event.kv);
  const prevKv = withPrevKv ? optionalKv(event.prev_kv) : undefined;
  return prevKv === undefined ? { type, kv } : { type, kv, prevKv };
}
