// metadata validation on create and update, as upstream
// k8s.io/apimachinery/pkg/api/validation/objectmeta.go (managedFields aside).

import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import { goQuote, utf8Length } from '../go-strings.js';
import { type FieldError, FieldPath, forbidden, invalid, required, tooLong } from './field-errors.js';
import { validateLabels } from './labels.js';
import { type NameValidator, nameIsDNSSubdomain, validateNamespaceName } from './name-rules.js';
import { isQualifiedName } from './names.js';

/** Total bytes of all annotation keys and values an object may carry (256 KiB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
const FINALIZER_ORPHAN = 'orphan';
const FINALIZER_FOREGROUND = 'foregroundDeletion';

export interface ObjectMetaOptions {
  /** Namespaced resources need metadata.namespace; cluster-scoped ones must not have it. */
  namespaced: boolean;
  /** Name syntax of the resource; subdomain by default. */
  validateName?: NameValidator;
  /** Where the metadata sits; `metadata` by default. */
  path?: FieldPath;
}

/**
 * Validates metadata of an object being created, after generateName has been turned
 * into a name (a bad generateName is reported as well as the name it produced).
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions): FieldError[] {
  const path = opts.path ?? FieldPath.root('metadata');
  const nameFn = opts.validateName ?? nameIsDNSSubdomain;
  const m = meta ?? {};
  const errs: FieldError[] = [];

  const generateName = m.generateName ?? '';
  if (generateName.length > 0) {
    for (const msg of nameFn(generateName, true)) errs.push(invalid(path.child('generateName'), generateName, msg));
  }
  const name = m.name ?? '';
  if (name.length === 0) errs.push(required(path.child('name'), 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalid(path.child('name'), name, msg));

  const namespace = m.namespace ?? '';
  if (opts.namespaced) {
    if (namespace.length === 0) errs.push(required(path.child('namespace')));
    else for (const msg of validateNamespaceName(namespace, false)) errs.push(invalid(path.child('namespace'), namespace, msg));
  } else if (namespace.length > 0) {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }

  if ((m.generation ?? 0) < 0) errs.push(invalid(path.child('generation'), m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, path.child('finalizers')));
  return errs;
}

/** Validates metadata on update: identity and timestamps are immutable, generation only grows. */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  path: FieldPath = FieldPath.root('metadata'),
): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];

  if (o.deletionTimestamp !== undefined && o.deletionTimestamp !== null) {
    const old = new Set(o.finalizers ?? []);
    const added = [...new Set(n.finalizers ?? [])].filter((f) => !old.has(f)).sort();
    if (added.length > 0) {
      errs.push(
        forbidden(
          path.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map(goQuote).join(', ')}}`,
        ),
      );
    }
  }
  if ((n.resourceVersion ?? '') === '') {
    errs.push(invalid(path.child('resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update'));
  }
  if ((n.generation ?? 0) < (o.generation ?? 0)) {
    errs.push(invalid(path.child('generation'), n.generation ?? 0, 'must not be decremented'));
  }
  const immutable = <T>(field: string, nv: T, ov: T, same: (a: T, b: T) => boolean): void => {
    if (!same(nv, ov)) errs.push(invalid(path.child(field), nv, FIELD_IMMUTABLE_ERROR_MSG));
  };
  immutable('name', n.name ?? '', o.name ?? '', Object.is);
  immutable('namespace', n.namespace ?? '', o.namespace ?? '', Object.is);
  immutable('uid', n.uid ?? '', o.uid ?? '', Object.is);
  immutable('creationTimestamp', n.creationTimestamp, o.creationTimestamp, sameTime);
  immutable('deletionTimestamp', n.deletionTimestamp, o.deletionTimestamp, sameTime);
  immutable('deletionGracePeriodSeconds', n.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, sameOptional);

  errs.push(...validateLabels(n.labels, path.child('labels')));
  errs.push(...validateAnnotations(n.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, path.child('ownerReferences')));
  return errs;
}

// Go compares metav1.Time by instant, so two spellings of one moment are equal.
function sameTime(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return sameOptional(a, b);
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a === b : ta === tb;
}

function sameOptional<T>(a: T | undefined | null, b: T | undefined | null): boolean {
  return (a ?? null) === (b ?? null);
}

/** Sum of the UTF-8 sizes of all annotation keys and values. */
export function annotationsSize(annotations: Readonly<Record<string, string>> | undefined): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) total += utf8Length(k) + utf8Length(String(v));
  return total;
}

export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(annotations ?? {})) {
    // Annotation keys follow label-key syntax except that case does not matter.
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
  }
  if (annotationsSize(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  return errs;
}

// Events are never owners: they are garbage themselves.
const BANNED_OWNERS = new Set(['/v1, Kind=Event']);

function validateOwnerReference(ref: OwnerReference, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const gvk = groupVersionKind(ref.apiVersion ?? '', ref.kind ?? '');
  if (gvk.version.length === 0) errs.push(invalid(path.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
  if (gvk.kind.length === 0) errs.push(invalid(path.child('kind'), ref.kind ?? '', 'must not be empty'));
  if ((ref.name ?? '').length === 0) errs.push(invalid(path.child('name'), ref.name ?? '', 'must not be empty'));
  if ((ref.uid ?? '').length === 0) errs.push(invalid(path.child('uid'), ref.uid ?? '', 'must not be empty'));
  const gvkString = `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
  if (BANNED_OWNERS.has(gvkString)) errs.push(invalid(path, ownerRefJSON(ref), `${gvkString} is disallowed from being an owner`));
  return errs;
}

// schema.FromAPIVersionAndKind: "v1" is the core group; more than one '/' leaves group and version empty.
function groupVersionKind(apiVersion: string, kind: string): { group: string; version: string; kind: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '', kind };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion, kind };
  if (parts.length === 2) return { group: parts[0] ?? '', version: parts[1] ?? '', kind };
  return { group: '', version: '', kind };
}

// Upstream prints the reference as Go's JSON encoding does: fields in declaration order.
function ownerRefJSON(ref: OwnerReference): Record<string, unknown> {
  const out: Record<string, unknown> = { apiVersion: ref.apiVersion ?? '', kind: ref.kind ?? '', name: ref.name ?? '', uid: ref.uid ?? '' };
  if (ref.controller !== undefined) out['controller'] = ref.controller;
  if (ref.blockOwnerDeletion !== undefined) out['blockOwnerDeletion'] = ref.blockOwnerDeletion;
  return out;
}

export function validateOwnerReferences(refs: readonly OwnerReference[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController === '') firstController = current;
      else {
        errs.push(
          invalid(
            path,
            (refs ?? []).map(ownerRefJSON),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      }
    }
  }
  return errs;
}

export function validateFinalizers(finalizers: readonly string[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
  if (list.includes(FINALIZER_ORPHAN) && list.includes(FINALIZER_FOREGROUND)) {
    errs.push(invalid(path, list, `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`));
  }
  return errs;
}
