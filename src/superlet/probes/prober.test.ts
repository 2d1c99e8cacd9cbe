import { describe, expect, it } from 'vitest';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ExecResult, Runtime } from '../runtime/runtime.js';
import { PROBE_USER_AGENT, probeHeaders, probeURL } from './http-probe.js';
import { expandProbeCommand, Prober, probeTimeoutMs, resolveContainerPort } from './prober.js';
import { goNetError, joinHostPort } from './probe-types.js';

const container: Container = {
  name: 'main',
  ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }],
  env: [{ name: 'FILE', value: '/tmp/healthy' }, { name: 'FROM_REF', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
};
const pod: Pod = { metadata: { name: 'web', namespace: 'ns', uid: 'u1' }, spec: { containers: [container] } };

describe('resolveContainerPort', () => {
  it('numbers, names and numeric strings', () => {
    expect(resolveContainerPort(80, container)).toBe(80);
    expect(resolveContainerPort('http', container)).toBe(8080);
    expect(resolveContainerPort('9000', container)).toBe(9000);
  });

  it('fails as the kubelet does', () => {
    expect(() => resolveContainerPort('grpc', container)).toThrow('strconv.Atoi: parsing "grpc": invalid syntax');
    expect(() => resolveContainerPort(0, container)).toThrow('invalid port number: 0');
    expect(() => resolveContainerPort(70000, container)).toThrow('invalid port number: 70000');
  });
});

describe('expandProbeCommand', () => {
  it('uses the literal env values only', () => {
    expect(expandProbeCommand(['cat', '$(FILE)', '$(FROM_REF)', '$(NOPE)', '$$(FILE)'], container)).toEqual(['cat', '/tmp/healthy', '', '$(NOPE)', '$(FILE)']);
  });
});

describe('probeURL', () => {
  it.each([
    ['HTTP', '10.0.0.1', 80, '/healthz', 'http://10.0.0.1/healthz'],
    ['HTTP', '10.0.0.1', 8080, '/healthz?full=1', 'http://10.0.0.1:8080/healthz?full=1'],
    ['HTTPS', '10.0.0.1', 8443, '/', 'https://10.0.0.1:8443/'],
    ['', '10.0.0.1', 8080, 'healthz', 'http://10.0.0.1:8080/healthz'],
    ['HTTP', 'fd00::1', 8080, '/x', 'http://[fd00::1]:8080/x'],
    ['HTTP', '10.0.0.1', 8080, '//other.example/x', 'http://10.0.0.1:8080//other.example/x'],
    ['HTTP', '10.0.0.1', 8080, '/a#frag', 'http://10.0.0.1:8080/a'],
  ])('%s %s %d %s', (scheme, host, port, path, want) => {
    expect(probeURL(scheme, host, port, path).href).toBe(want);
  });
});

describe('probeHeaders', () => {
  it('adds User-Agent and Accept unless given; an empty Accept removes it; names are canonical', () => {
    expect(probeHeaders(undefined)).toEqual(new Map([['User-Agent', [PROBE_USER_AGENT]], ['Accept', ['*/*']]]));
    expect(
      probeHeaders([
        { name: 'x-custom', value: 'a' },
        { name: 'X-Custom', value: 'b' },
        { name: 'user-agent', value: 'mine' },
        { name: 'Accept', value: '' },
      ]),
    ).toEqual(new Map([['X-Custom', ['a', 'b']], ['User-Agent', ['mine']]]));
  });
});

describe('helpers', () => {
  it('joins host and port as Go', () => {
    expect(joinHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
    expect(joinHostPort('::1', 80)).toBe('[::1]:80');
  });
  it('words socket errors as Go', () => {
    expect(goNetError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('connect: connection refused');
    expect(goNetError(new Error('other'))).toBe('other');
  });
  it('timeouts default to one second', () => {
    expect(probeTimeoutMs({})).toBe(1000);
    expect(probeTimeoutMs({ timeoutSeconds: 5 })).toBe(5000);
  });
});

describe('Prober: exec', () => {
  function runtime(answer: (id: string, command: string[], timeoutMs: number) => Promise<ExecResult>): Pick<Runtime, 'execSync'> & { calls: unknown[] } {
    const calls: unknown[] = [];
    return {
      calls,
      execSync: (id, command, timeoutMs) => {
        calls.push([id, command, timeoutMs]);
        return answer(id, command, timeoutMs);
      },
    };
  }
  const target = { pod, container, containerId: 'c1', podIP: '10.0.0.5' };

  it('exit 0 is success, anything else failure, with stdout and stderr as output', async () => {
    const ok = runtime(() => Promise.resolve({ exitCode: 0, stdout: 'fine\n', stderr: '', timedOut: false }));
    expect(await new Prober({ runtime: ok }).run({ exec: { command: ['cat', '$(FILE)'] }, timeoutSeconds: 3 }, target)).toEqual({ result: 'success', output: 'fine\n' });
    expect(ok.calls).toEqual([['c1', ['cat', '/tmp/healthy'], 3000]]);
    const bad = runtime(() => Promise.resolve({ exitCode: 1, stdout: 'out ', stderr: 'cat: no such file', timedOut: false }));
    expect(await new Prober({ runtime: bad }).run({ exec: { command: ['cat'] } }, target)).toEqual({ result: 'failure', output: 'out cat: no such file' });
  });

  it('a timeout is a failure naming the command', async () => {
    const slow = runtime(() => Promise.resolve({ exitCode: -1, stdout: '', stderr: '', timedOut: true }));
    expect(await new Prober({ runtime: slow }).run({ exec: { command: ['sleep', '10'] } }, target)).toEqual({ result: 'failure', output: 'command "sleep 10" timed out' });
  });

  it('a runtime error is unknown with the error', async () => {
    const gone = runtime(() => Promise.reject(new Error('no such container or sandbox: c1')));
    expect(await new Prober({ runtime: gone }).run({ exec: { command: ['true'] } }, target)).toEqual({ result: 'unknown', output: '', error: 'no such container or sandbox: c1' });
  });

  it('output is capped at 10 KiB', async () => {
    const chatty = runtime(() => Promise.resolve({ exitCode: 0, stdout: 'x'.repeat(20_000), stderr: '', timedOut: false }));
    expect((await new Prober({ runtime: chatty }).run({ exec: { command: ['yes'] } }, target)).output).toHaveLength(10 * 1024);
  });

  it('gRPC and handler-less probes are errors', async () => {
    const prober = new Prober({ runtime: runtime(() => Promise.reject(new Error('unused'))) });
    expect(await prober.run({ grpc: { port: 9090 } }, target)).toEqual({ result: 'unknown', output: '', error: 'gRPC probes are not supported by this superlet' });
    expect(await prober.run({}, target)).toEqual({ result: 'unknown', output: '', error: 'missing probe handler for web_ns(u1):main' });
    expect(await prober.run({ tcpSocket: { port: 'nope' } }, target)).toEqual({ result: 'unknown', output: '', error: 'strconv.Atoi: parsing "nope": invalid syntax' });
  });
});
