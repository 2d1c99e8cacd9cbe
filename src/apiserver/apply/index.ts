// Server-side apply and managed fields (upstream's structured-merge-diff and managedfields), for
// the write handlers: applyConfiguration for apply patches, recordUpdate for every other write.

export { applyConfiguration, recordUpdate } from './field-manager.js';
export type { ApplyInfo, ManagedResource, WriteInfo } from './field-manager.js';
export { FieldSet } from './field-set.js';
export { printPath } from './field-path.js';
export type { FieldPath, PathElement } from './field-path.js';
export { decodeManagedFields, encodeManagedFields } from './managers.js';
export type { ManagerEntry, Managers } from './managers.js';
export { fieldManagerProblems, forceOption, managerFromUserAgent, patchOptions, writeManager } from './options.js';
export type { WriteOptionsKind } from './options.js';
export { schemaForKind } from './schema.js';
export type { SchemaNode } from './schema.js';
