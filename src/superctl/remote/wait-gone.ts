// Waiting until deleted objects are really gone (finalizers done, pods stopped): `delete --wait`
// and `apply --prune --wait`. An object counts as gone when it is not found, or when one of the
// same name but another uid has taken its place. On a terminal the wait shows a bar.
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { getObject } from '../apply/object-writes.js';
import { metadataOf, stringField } from '../manifests/manifest-target.js';
import { ProgressDisplay } from '../progress/progress-display.js';
import type { ApiResource } from '../resource-resolver.js';

export interface DeletedObject {
  readonly resource: ApiResource;
  readonly namespace: string | undefined;
  readonly name: string;
  /** The uid the delete answered with ('' when it answered a Status: then any object of the name counts). */
  readonly uid: string;
}

const POLL_MS = 200;

/** Parses --timeout as kubectl does for these waits; 0 (or none) means a week. */
export function waitTimeoutMs(value: string | undefined): number {
  if (value === undefined || value === '0' || value === '0s') return 7 * 24 * 3600 * 1000;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value);
  if (match === null) throw new CliError(`error: invalid argument "${value}" for "--timeout" flag: time: invalid duration "${value}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Number(match[1]) * unit;
}

export async function waitUntilGone(ctx: CliContext, objects: readonly DeletedObject[], deadline: number): Promise<void> {
  const client = await ctx.client();
  // Piped, the wait prints nothing (kubectl's delete prints nothing while it waits either).
  const display = ctx.streams.stdout.isTTY === true ? new ProgressDisplay(ctx.streams.stdout) : undefined;
  const pending = new Set(objects);
  try {
    while (pending.size > 0) {
      for (const object of [...pending]) {
        const live = await getObject(client, object.resource, object.namespace, object.name);
        if (live === undefined || (object.uid !== '' && stringField(metadataOf(live), 'uid') !== object.uid)) pending.delete(object);
      }
      if (pending.size === 0) break;
      const first = [...pending][0];
      if (Date.now() > deadline) {
        throw new CliError(`error: timed out waiting for the condition on ${first?.resource.plural ?? 'objects'}/${first?.name ?? ''}`);
      }
      display?.update({ message: `waiting for ${pending.size} of ${objects.length} to be gone`, done: objects.length - pending.size, total: objects.length, detail: `${objects.length - pending.size}/${objects.length} gone` });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    display?.clear();
  }
}
