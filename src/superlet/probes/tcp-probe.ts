// tcpSocket probes: success when a TCP connection opens within the timeout (pkg/probe/tcp).
import { connect } from 'node:net';
import { goNetError, joinHostPort, type ProbeOutcome } from './probe-types.js';

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => finish({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` }), timeoutMs);
    timer.unref();
    function finish(outcome: ProbeOutcome): void {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(outcome);
    }
    socket.once('connect', () => finish({ result: 'success', output: '' }));
    socket.once('error', (err) => finish({ result: 'failure', output: `dial tcp ${addr}: ${goNetError(err)}` }));
  });
}
