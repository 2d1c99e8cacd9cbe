// pods/exec and pods/attach: after upstream's checks (container, streams, node) the client's
// upgrade request (WebSocket v5.channel.k8s.io from kubectl 1.30+, SPDY/3.1 from older ones) is
// proxied to the superlet's /exec or /attach, and the streams flow between the two untouched.
import { badRequest, methodNotAllowed } from '../../api/api-errors.js';
import type { Handler } from './context.js';
import { relayUpgradeToSuperlet } from './superlet-upgrade.js';
import { boolParam, streamTarget, superletOf } from './pod-stream-target.js';

type StreamKind = 'exec' | 'attach';

interface StreamOptions {
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

function streamOptions(query: URLSearchParams): StreamOptions {
  return {
    container: query.get('container') ?? '',
    command: query.getAll('command'),
    stdin: boolParam(query, 'stdin'),
    stdout: boolParam(query, 'stdout'),
    stderr: boolParam(query, 'stderr'),
    tty: boolParam(query, 'tty'),
  };
}

/** The superlet's query, in the kubelet's parameter names (upstream's streamParams). */
function superletQuery(kind: StreamKind, options: StreamOptions): string {
  const params = new URLSearchParams();
  if (options.stdin) params.append('input', '1');
  if (options.stdout) params.append('output', '1');
  if (options.stderr) params.append('error', '1');
  if (options.tty) params.append('tty', '1');
  if (kind === 'exec') for (const part of options.command) params.append('command', part);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function streamHandler(kind: StreamKind): Handler {
  return async (context) => {
    if (context.info.verb !== 'get' && context.info.verb !== 'create') throw methodNotAllowed();
    const options = streamOptions(context.query);
    const target = await streamTarget(context, options.container);
    if (kind === 'exec' && options.command.length === 0) throw badRequest('you must specify at least one command for the container');
    if (!options.stdin && !options.stdout && !options.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
    const superlet = await superletOf(context, target);
    const path = `/${kind}/${encodeURIComponent(target.namespace)}/${encodeURIComponent(target.name)}/${encodeURIComponent(target.container)}${superletQuery(kind, options)}`;
    await relayUpgradeToSuperlet(context, superlet, path);
  };
}
