// Validation of label maps and metav1.LabelSelector objects, as upstream
// k8s.io/apimachinery/pkg/apis/meta/v1/validation. Note upstream reports label
// problems at the map's path (`metadata.labels`), not at the key.

import type { LabelSelector, LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';
import { type FieldError, type FieldPath, forbidden, invalid, required } from './field-errors.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(path, name, msg));
}

export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(String(v))) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateLabelSelectorRequirement(req: LabelSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalid(path.child('operator'), req.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(req.key, path.child('key')));
  return errs;
}

/** Checks a selector object such as a Deployment's spec.selector; a missing one is fine here. */
export function validateLabelSelector(selector: LabelSelector | undefined | null, path: FieldPath): FieldError[] {
  if (selector === undefined || selector === null) return [];
  const errs = validateLabels(selector.matchLabels, path.child('matchLabels'));
  (selector.matchExpressions ?? []).forEach((req, i) => {
    errs.push(...validateLabelSelectorRequirement(req, path.child('matchExpressions').index(i)));
  });
  return errs;
}
