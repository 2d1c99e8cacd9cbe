// describe job, as kubectl's JobDescriber.
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { RestClient } from '../../client/rest-client.js';
import { describePodTemplate } from './containers.js';
import { formatLabelSelector, printAnnotationsMultiline, printLabelsMultiline, rfc1123z } from './describe-format.js';
import { describeEvents, eventsFor } from './events.js';
import { PrefixWriter } from './prefix-writer.js';
import { humanDuration } from '../../api/human-duration.js';

export async function describeJob(client: RestClient, job: Job): Promise<string> {
  const m = job.metadata ?? {};
  const events = await eventsFor(client, { kind: 'Job', metadata: m });
  const spec = job.spec;
  const status = job.status ?? {};
  const w = new PrefixWriter();
  w.write(0, `Name:\t${m.name ?? ''}\n`);
  w.write(0, `Namespace:\t${m.namespace ?? ''}\n`);
  const selector = spec?.selector === undefined ? '' : formatLabelSelector(spec.selector);
  w.write(0, `Selector:\t${selector}\n`);
  printLabelsMultiline(w, 'Labels', m.labels);
  printAnnotationsMultiline(w, 'Annotations', m.annotations);
  const controller = (m.ownerReferences ?? []).find((o) => o.controller === true);
  if (controller !== undefined) w.write(0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
  if (spec?.parallelism !== undefined) w.write(0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(0, `Completions:\t${spec?.completions === undefined || spec.completions === null ? '<unset>' : spec.completions}\n`);
  if (spec?.completionMode !== undefined) w.write(0, `Completion Mode:\t${spec.completionMode}\n`);
  if (spec?.suspend !== undefined) w.write(0, `Suspend:\t${String(spec.suspend)}\n`);
  if (spec?.backoffLimit !== undefined) w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (spec?.ttlSecondsAfterFinished !== undefined) w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (status.startTime !== undefined) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  if (status.completionTime !== undefined) w.write(0, `Completed At:\t${rfc1123z(status.completionTime)}\n`);
  if (status.startTime !== undefined && status.completionTime !== undefined) {
    w.write(0, `Duration:\t${humanDuration(Date.parse(status.completionTime) - Date.parse(status.startTime))}\n`);
  }
  if (spec?.activeDeadlineSeconds !== undefined) w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  const ready = status.ready;
  w.write(
    0,
    ready === undefined
      ? `Pods Statuses:\t${status.active ?? 0} Active / ${status.succeeded ?? 0} Succeeded / ${status.failed ?? 0} Failed\n`
      : `Pods Statuses:\t${status.active ?? 0} Active (${ready} Ready) / ${status.succeeded ?? 0} Succeeded / ${status.failed ?? 0} Failed\n`,
  );
  if (spec?.completionMode === 'Indexed') w.write(0, `Completed Indexes:\t${status.completedIndexes === undefined || status.completedIndexes === '' ? '<none>' : status.completedIndexes}\n`);
  describePodTemplate(w, spec?.template);
  describeEvents(w, events);
  return w.toString();
}
