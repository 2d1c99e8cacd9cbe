// superctl create against the real kubectl: each generator builds the object kubectl builds, the
// objects created in two namespaces of one real API server compare equal, and create -f reports
// objects that exist as kubectl does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable, lines, startWritingBench, type WritingBench } from './writing-verbs-support.js';

let bench: WritingBench;

beforeAll(async () => {
  bench = await startWritingBench();
  for (const ns of ['k', 's', 'files']) await bench.kubectl.ok(['create', 'namespace', ns]);
  await bench.write('data/one.txt', 'first file\n');
  await bench.write('data/two.conf', 'second=2\n');
  await bench.write('env/app.env', '# comment\nLEVEL=debug\n\nMODE=fast\n');
}, 60_000);

afterAll(async () => {
  await bench?.stop();
});

const GENERATORS = (dir: string): { type: string; name: string; args: string[] }[] => [
  { type: 'deployment', name: 'web', args: ['deployment', 'web', '--image=supernetes.local/busybox:latest', '--replicas=2', '--port=80', '--', 'sleep', '3600'] },
  { type: 'deployment', name: 'two', args: ['deployment', 'two', '--image=busybox', '--image=registry.example/team/nginx:1.25'] },
  { type: 'configmap', name: 'cm', args: ['configmap', 'cm', '--from-literal=a=1', '--from-literal=b="quoted"', `--from-file=${dir}/data`] },
  { type: 'configmap', name: 'env', args: ['configmap', 'env', `--from-env-file=${dir}/env/app.env`] },
  { type: 'secret', name: 'sec', args: ['secret', 'generic', 'sec', '--from-literal=password=hunter2', `--from-file=renamed=${dir}/data/one.txt`, '--type=Opaque'] },
  { type: 'job', name: 'once', args: ['job', 'once', '--image=busybox', '--', 'echo', 'hi'] },
  { type: 'cronjob', name: 'tick', args: ['cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--restart=Never', '--', 'date'] },
  { type: 'service', name: 'svc', args: ['service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=9090'] },
  { type: 'service', name: 'np', args: ['service', 'nodeport', 'np', '--tcp=80:http'] },
  { type: 'service', name: 'ext', args: ['service', 'externalname', 'ext', '--external-name=db.example.com'] },
];

describe('create generators', () => {
  it('build the objects kubectl builds (client dry run, -o json)', async () => {
    for (const { args } of [...GENERATORS(bench.dir), { args: ['namespace', 'ns1'] }]) {
      const k = JSON.parse(await bench.kubectl.ok(['create', ...args.slice(0, args.indexOf('--') < 0 ? undefined : args.indexOf('--')), '--dry-run=client', '-o', 'json', ...(args.includes('--') ? args.slice(args.indexOf('--')) : [])])) as unknown;
      const s = JSON.parse(await bench.superctl.ok(['create', ...args.slice(0, args.indexOf('--') < 0 ? undefined : args.indexOf('--')), '--dry-run=client', '-o', 'json', ...(args.includes('--') ? args.slice(args.indexOf('--')) : [])])) as unknown;
      expect(s, args.join(' ')).toEqual(k);
    }
  }, 240_000);

  it('create the same objects on the server and print the same lines', async () => {
    let kOut = '';
    let sOut = '';
    for (const { args } of GENERATORS(bench.dir)) {
      kOut += await bench.kubectl.ok(['create', '-n', 'k', ...args]);
      sOut += await bench.superctl.ok(['create', '-n', 's', ...args]);
    }
    expect(lines(sOut)).toEqual(lines(kOut));
    expect(sOut).toContain('deployment.apps/web created\n');
    const types = 'deployments,configmaps,secrets,jobs,cronjobs,services';
    const byK = await bench.objects(types, 'k');
    const byS = await bench.objects(types, 's');
    expect([...byS.keys()].sort()).toEqual([...byK.keys()].sort());
    for (const [key, object] of byS) {
      if (key.startsWith('Secret/default-token') || key === 'ConfigMap/kube-root-ca.crt') continue;
      expect(withoutControllerUid(comparable(object)), key).toEqual(withoutControllerUid(comparable(byK.get(key) ?? {})));
    }
    const namespaceLine = await bench.superctl.ok(['create', 'namespace', 'made-by-superctl']);
    expect(namespaceLine).toBe('namespace/made-by-superctl created\n');
    expect((await bench.kubectl.run(['get', 'namespace', 'made-by-superctl'])).code).toBe(0);
  }, 240_000);

  it('create job --from=cronjob/NAME copies the template and is owned by the cron job', async () => {
    const k = await bench.kubectl.ok(['create', 'job', 'manual', '--from=cronjob/tick', '-n', 'k']);
    const s = await bench.superctl.ok(['create', 'job', 'manual', '--from=cronjob/tick', '-n', 's']);
    expect(s).toBe(k);
    const byK = withoutControllerUid(comparable(await bench.object('job', 'manual', 'k')));
    const byS = withoutControllerUid(comparable(await bench.object('job', 'manual', 's')));
    // The owner is a different cron job (its uid); the rest must match.
    for (const job of [byK, byS]) delete (job['metadata'] as { ownerReferences?: unknown }).ownerReferences;
    expect(byS).toEqual(byK);
    const owner = ((await bench.object('job', 'manual', 's'))['metadata'] as { ownerReferences: { kind: string; name: string }[] }).ownerReferences;
    expect(owner).toMatchObject([{ kind: 'CronJob', name: 'tick' }]);
  });
});

/** The job controller's labels and selector carry the job's uid, which differs between copies. */
function withoutControllerUid(object: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(object, (key, value: unknown) => (key.endsWith('controller-uid') ? undefined : value))) as Record<string, unknown>;
}

describe('create -f', () => {
  it('creates each object once, then says AlreadyExists naming the file, exit 1', async () => {
    const path = await bench.write(
      'create/objects.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: "1"}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\nstringData: {y: "2"}\n',
    );
    const first = await bench.superctl.run(['create', '-f', path, '-n', 'files']);
    expect(first).toMatchObject({ code: 0, stdout: 'configmap/a created\nsecret/b created\n', stderr: '' });
    const second = await bench.superctl.run(['create', '-f', path, '-n', 'files']);
    const kubectlSecond = await bench.kubectl.run(['create', '-f', path, '-n', 'files']);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(lines(second.stderr)).toEqual(lines(kubectlSecond.stderr));
    expect(second.stderr).toContain(`Error from server (AlreadyExists): error when creating "${path}": configmaps "a" already exists`);
  });

  it('refuses a generator without its required flag, and a bad value, in one line', async () => {
    const noImage = await bench.superctl.run(['create', 'deployment', 'x']);
    expect(noImage.code).toBe(1);
    expect(noImage.stderr).toBe('error: required flag(s) "image" not set\n');
    const badReplicas = await bench.superctl.run(['create', 'deployment', 'x', '--image=busybox', '--replicas=many']);
    expect(badReplicas.code).toBe(1);
    expect(badReplicas.stderr).toContain('invalid argument "many" for "--replicas"');
    expect((await bench.kubectl.run(['get', 'deployment', 'x'])).code).not.toBe(0);
  });
});
