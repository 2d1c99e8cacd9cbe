// bench/services: what SuperProxy costs and how fast it reacts. `supernetes server` (built dist/)
// runs three busybox httpd pods behind a NodePort Service on the real Docker daemon; autocannon
// measures requests/s and p99 latency through 127.0.0.1:nodePort (iptables DNAT + masquerade to the
// pods on docker0) against the same three pods reached directly on their pod IPs; then a pod's
// readiness probe is made to fail and the time until its address is gone from the proxy's rules is
// taken, split into the steps on the way (superlet probe -> Pod Ready=False -> EndpointSlice ->
// iptables). Traffic goes only to 127.0.0.1 and to the server's own pods.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import Dockerode from 'dockerode';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { Deployments, EndpointSlices, Pods, Services } from '../../src/client/resource-types.js';
import { RestClient } from '../../src/client/rest-client.js';
import { LABEL } from '../../src/superlet/runtime/docker/labels.js';
import { startServer, type RunningServer } from '../common/server.js';
import { stopAllSupernetes } from '../common/supernetes-process.js';

const run = promisify(execFile);
const docker = new Dockerode();
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 3;
const DURATION_S = quick ? 3 : 5;
const CONNECTIONS = 6;
const TRIALS = quick ? 2 : 5;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] ?? 0 : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 120_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function iptablesSave(): Promise<string> {
  const { stdout } = await run('iptables-save', ['-t', 'nat'], { maxBuffer: 64 << 20 });
  return stdout;
}

const isReady = (p: Pod): boolean => p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

function deployment(): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{
            name: 'web', image: 'supernetes.local/busybox:latest',
            command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && touch /www/ready && exec httpd -f -p 8080 -h /www'],
            ports: [{ name: 'http', containerPort: 8080 }],
            // A missing /ready fails at once (404); a slow answer under load is not a failure.
            readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 10 },
          }],
        },
      },
    },
  };
}

interface Load { rps: number; p99: number; errors: number }

async function cannon(url: string, connections: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: DURATION_S });
}

async function throughNodePort(nodePort: number): Promise<Load> {
  const r = await cannon(`http://127.0.0.1:${nodePort}/`, CONNECTIONS);
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function direct(ips: string[]): Promise<Load> {
  const results = await Promise.all(ips.map((ip) => cannon(`http://${ip}:8080/`, CONNECTIONS / ips.length)));
  return {
    rps: results.reduce((n, r) => n + r.requests.average, 0),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((n, r) => n + r.errors + r.non2xx, 0),
  };
}

async function appContainer(podName: string): Promise<string> {
  const [found] = await docker.listContainers({ filters: { label: [`${LABEL.podName}=${podName}`, `${LABEL.containerName}=web`] } });
  if (found === undefined) throw new Error(`no web container for ${podName}`);
  return found.Id;
}

interface Removal { podNotReady: number; sliceNotReady: number; rulesGone: number; backInRules: number }

/** Makes one pod's readiness probe fail and times each step until its address leaves the rules; then back. */
async function removal(client: RestClient, pod: Pod): Promise<Removal> {
  const name = pod.metadata?.name ?? '';
  const ip = pod.status?.podIP ?? '';
  const container = await appContainer(name);
  const t0 = Date.now();
  await run('docker', ['exec', container, 'rm', '/www/ready']);
  const [podNotReady, sliceNotReady, rulesGone] = await Promise.all([
    until(async () => !isReady(await client.get<Pod>(Pods, name, 'default')) && Date.now() - t0, 'pod not ready', 60_000, 10),
    until(async () => {
      const slices = await client.list<EndpointSlice>(EndpointSlices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' });
      const endpoint = slices.items.flatMap((s) => s.endpoints).find((e) => e.addresses.includes(ip));
      return endpoint?.conditions?.ready === false && Date.now() - t0;
    }, 'slice not ready', 60_000, 10),
    until(async () => !(await iptablesSave()).includes(`--to-destination ${ip}:`) && Date.now() - t0, 'rules without the pod', 60_000, 10),
  ]);
  const t1 = Date.now();
  await run('docker', ['exec', container, 'touch', '/www/ready']);
  const back = await until(async () => (await iptablesSave()).includes(`--to-destination ${ip}:`) && Date.now() - t1, 'rules with the pod again', 60_000, 10);
  return { podNotReady, sliceNotReady, rulesGone, backInRules: back };
}

async function main(): Promise<void> {
  let server: RunningServer | undefined;
  const nodeName = `bench-services-${process.pid}`;
  try {
    server = await startServer({ dataDirPrefix: 'bench-services-', args: ['--node-name', nodeName, '--superlet-port', '0'] });
    const client = new RestClient({ config: await loadKubeconfig(server.kubeconfigPath) });
    await client.create(Deployments, deployment());
    const svc = await client.create<Service>(Services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });
    const nodePort = svc.spec?.ports?.[0]?.nodePort ?? 0;
    const pods = await until(async () => {
      const list = await client.list<Pod>(Pods, { namespace: 'default', labelSelector: 'app=web' });
      const ready = list.items.filter(isReady);
      return ready.length === 3 && ready;
    }, 'three ready pods');
    const ips = pods.map((p) => p.status?.podIP ?? '');
    await until(async () => {
      const rules = await iptablesSave();
      return rules.includes(`--dport ${nodePort}`) && ips.every((ip) => rules.includes(`--to-destination ${ip}:`));
    }, "the proxy's rules for the three pods (another SuperProxy on this host must stop first)");
    const iptablesVersion = (await run('iptables', ['-V'])).stdout.trim();

    const nodePortRuns: Load[] = [];
    const directRuns: Load[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating, so that a burst of load elsewhere on the machine hits both.
      if (round % 2 === 0) { nodePortRuns.push(await throughNodePort(nodePort)); directRuns.push(await direct(ips)); }
      else { directRuns.push(await direct(ips)); nodePortRuns.push(await throughNodePort(nodePort)); }
    }

    const removals: Removal[] = [];
    for (let i = 0; i < TRIALS; i++) removals.push(await removal(client, pods[i % pods.length] as Pod));

    const np = { rps: median(nodePortRuns.map((r) => r.rps)), p99: median(nodePortRuns.map((r) => r.p99)), errors: nodePortRuns.reduce((n, r) => n + r.errors, 0) };
    const dr = { rps: median(directRuns.map((r) => r.rps)), p99: median(directRuns.map((r) => r.p99)), errors: directRuns.reduce((n, r) => n + r.errors, 0) };
    console.log(`\n${iptablesVersion}; ${ROUNDS} rounds of ${DURATION_S} s, ${CONNECTIONS} connections (medians; busybox httpd closes each connection after one response, so every request is a new connection through conntrack and DNAT)\n`);
    console.log('| path | requests/s | p99 latency (ms) | errors |');
    console.log('|---|---:|---:|---:|');
    console.log(`| 127.0.0.1:nodePort -> 3 pods (SuperProxy) | ${np.rps.toFixed(0)} | ${np.p99.toFixed(1)} | ${np.errors} |`);
    console.log(`| pod IPs directly (3 x ${CONNECTIONS / 3} connections) | ${dr.rps.toFixed(0)} | ${dr.p99.toFixed(1)} | ${dr.errors} |`);
    console.log(`| ratio | ${(np.rps / dr.rps).toFixed(2)} | ${(np.p99 / Math.max(dr.p99, 0.001)).toFixed(2)} | |`);
    console.log(`\nreadiness failure -> removal, ${TRIALS} trials (ms from the file the probe reads being removed; median [min-max])\n`);
    console.log('| step | median | range |');
    console.log('|---|---:|---:|');
    for (const [label, key] of [['Pod Ready=False (superlet probe, period 1 s)', 'podNotReady'], ['EndpointSlice endpoint ready=false', 'sliceNotReady'], ["gone from the proxy's iptables rules", 'rulesGone'], ['back in the rules after the probe passes again', 'backInRules']] as const) {
      const xs = removals.map((r) => r[key]);
      console.log(`| ${label} | ${median(xs)} | ${Math.min(...xs)}-${Math.max(...xs)} |`);
    }
    const proxyLag = removals.map((r) => r.rulesGone - r.sliceNotReady);
    console.log(`\nproxy's own share (rules gone - slice updated, as the benchmark sees them): median ${median(proxyLag)} ms`);
  } finally {
    await server?.stop();
    await stopAllSupernetes();
    // The superlet leaves its pods' containers running when it stops (as after a crash).
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.node}=${nodeName}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
