// superctl annotate TYPE NAME KEY=VALUE... KEY-...: label's verb on metadata.annotations.
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { registerMetadataMapVerb } from './label.js';

export function register(program: Command, ctx: CliContext): void {
  registerMetadataMapVerb(program, ctx, { verb: 'annotate', field: 'annotations', description: 'Update the annotations on a resource' });
}
