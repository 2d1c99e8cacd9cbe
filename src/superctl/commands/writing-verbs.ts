// The verbs that write objects: apply, create, delete, edit, patch, label, annotate.
import type { Register } from '../program.js';
import { register as apply } from './apply.js';
import { register as create } from './create.js';
import { register as deleteVerb } from './delete.js';
import { register as edit } from './edit.js';
import { register as label } from './label.js';
import { register as annotate } from './annotate.js';
import { register as patch } from './patch.js';

export const WRITING_VERBS: Register[] = [apply, create, deleteVerb, edit, patch, label, annotate];
