// What this controller last wrote to each Service's EndpointSlices, so a sync never works from a
// cache that has not yet seen those writes (upstream EndpointSliceTracker). Upstream compares
// metadata.generation; our API server keeps no generation for EndpointSlices, so the tracker
// compares resourceVersions, which our store issues from one increasing revision counter.
// In memory only: a restarted controller starts from a freshly listed cache, which is current.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

/** Written at this revision, or deleted (and must leave the cache). */
type Expectation = { readonly revision: bigint } | 'deleted';

export class EndpointSliceTracker {
  /** Service key → slice uid → what was done to it. */
  private readonly expected = new Map<string, Map<string, Expectation>>();

  wrote(serviceKey: string, slice: Readonly<EndpointSlice>): void {
    const uid = slice.metadata?.uid;
    const revision = revisionOf(slice);
    if (uid === undefined || revision === undefined) return;
    this.slices(serviceKey).set(uid, { revision });
  }

  deleted(serviceKey: string, slice: Readonly<EndpointSlice>): void {
    const uid = slice.metadata?.uid;
    if (uid !== undefined) this.slices(serviceKey).set(uid, 'deleted');
  }

  /**
   * True while the cached slices lack a write of ours: a slice written but not seen at that
   * revision, or deleted but still there. Expectations the cache has met are dropped.
   */
  stale(serviceKey: string, cached: readonly Readonly<EndpointSlice>[]): boolean {
    const expected = this.expected.get(serviceKey);
    if (expected === undefined) return false;
    const byUid = new Map(cached.map((slice) => [slice.metadata?.uid ?? '', slice]));
    let stale = false;
    for (const [uid, expectation] of expected) {
      const slice = byUid.get(uid);
      const met =
        expectation === 'deleted'
          ? slice === undefined
          : slice !== undefined && (revisionOf(slice) ?? -1n) >= expectation.revision;
      if (met) expected.delete(uid);
      else stale = true;
    }
    if (expected.size === 0) this.expected.delete(serviceKey);
    return stale;
  }

  /** The informer saw the slice deleted (by us or anyone): nothing more to wait for on it. */
  observedDeletion(serviceKey: string, slice: Readonly<EndpointSlice>): void {
    const slices = this.expected.get(serviceKey);
    slices?.delete(slice.metadata?.uid ?? '');
    if (slices?.size === 0) this.expected.delete(serviceKey);
  }

  forget(serviceKey: string): void {
    this.expected.delete(serviceKey);
  }

  private slices(serviceKey: string): Map<string, Expectation> {
    let slices = this.expected.get(serviceKey);
    if (slices === undefined) this.expected.set(serviceKey, (slices = new Map<string, Expectation>()));
    return slices;
  }
}

function revisionOf(slice: Readonly<EndpointSlice>): bigint | undefined {
  const rv = slice.metadata?.resourceVersion;
  return rv !== undefined && /^[0-9]+$/.test(rv) ? BigInt(rv) : undefined;
}
