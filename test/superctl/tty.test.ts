// superctl on a real terminal: a pseudo-terminal made by python3's pty module (the command sees a
// TTY on stdin and stdout, as in an interactive shell). exec -it gets a remote terminal of the local
// size, follows a resize, and exits with the shell's code; rollout status draws its progress bar
// in place on a terminal. On Docker, with the controllers.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allControllers } from '../../src/controller/all-controllers.js';
import { Deployments, Pods } from '../../src/client/resource-types.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { startTestControllers, type TestControllers } from '../support/controllers.js';
import { isRunningAndReady, shellPod, waitForPod, BUSYBOX } from '../support/pods.js';
import { SUPERCTL } from '../support/superctl.js';

let cluster: TestCluster;
let controllers: TestControllers;

// Runs argv on a pty of 30x100 and plays the steps: send text, wait for a pattern (polling by
// resending while it does not show, for things that settle), resize. Prints JSON: the output and
// the exit code.
const PTY_DRIVER = String.raw`
import fcntl, json, os, pty, re, select, struct, sys, termios, time
argv, steps = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
    os.execvp(argv[0], argv)
out = b''
def read(timeout):
    global out
    r, _, _ = select.select([fd], [], [], timeout)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out += data
    return True
failed = None
for step in steps:
    if 'resize' in step:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', step['resize'][0], step['resize'][1], 0, 0))
        continue
    start = len(out)
    if 'send' in step:
        os.write(fd, step['send'].encode())
    deadline = time.time() + step.get('timeout', 30)
    last_send = time.time()
    while 'expect' in step and not re.search(step['expect'], out[start:].decode('utf8', 'replace')):
        if time.time() > deadline:
            failed = 'timed out waiting for ' + step['expect']
            break
        if not read(0.2):
            break
        if step.get('resend') and time.time() - last_send > 1:
            start = len(out)
            os.write(fd, step['send'].encode())
            last_send = time.time()
    if failed:
        break
deadline = time.time() + 30
code = None
while time.time() < deadline:
    alive = read(0.2)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        while read(0.1):
            if not select.select([fd], [], [], 0)[0]:
                break
        code = os.waitstatus_to_exitcode(status)
        break
if code is None:
    os.kill(pid, 9)
    failed = failed or 'superctl did not exit'
print(json.dumps({'output': out.decode('utf8', 'replace'), 'code': code, 'failed': failed}))
`;

interface PtyStep {
  send?: string;
  expect?: string;
  resize?: [number, number];
  resend?: boolean;
  timeout?: number;
}

function onPty(args: string[], steps: PtyStep[]): Promise<{ output: string; code: number | null; failed: string | null }> {
  const argv = [process.execPath, SUPERCTL, '--kubeconfig', cluster.plane.kubeconfigPath, ...args];
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', PTY_DRIVER, JSON.stringify(argv), JSON.stringify(steps)], { timeout: 150_000, maxBuffer: 16 << 20, env: { PATH: process.env.PATH, HOME: '/nonexistent' } }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`the pty driver failed: ${error.message} ${stderr}`));
      resolve(JSON.parse(stdout) as { output: string; code: number | null; failed: string | null });
    });
  });
}

beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1 });
  controllers = await startTestControllers(allControllers(), { plane: cluster.plane });
  await cluster.client.create(Pods, shellPod('shell', 'exec sleep 3600', { terminationGracePeriodSeconds: 1 }));
  await waitForPod(cluster.client, 'shell', isRunningAndReady, 'running');
}, 300_000);

afterAll(async () => {
  await controllers?.stop();
  await cluster?.stop();
});

describe('superctl on a terminal', { timeout: 180_000 }, () => {
  it('exec -it: a remote TTY of the local size, a resize followed, the exit code passed on', async () => {
    // $((a+b)) makes the answer differ from the echoed command line.
    const result = await onPty(['exec', '-it', 'shell', '--', 'sh'], [
      { expect: '/ # ' },
      { send: 'tty; echo $((40+2))done\r', expect: '42done' },
      { send: 'stty size; echo $((40+3))done\r', expect: '43done' },
      { resize: [40, 120] },
      { send: 'stty size; echo $((40+4))done\r', expect: '40 120\\s+44done', resend: true },
      { send: 'exit 3\r' },
    ]);
    expect(result.failed, result.output).toBeNull();
    // Both terminals turn \n into \r\n on the way out.
    expect(result.output).toMatch(/\/dev\/pts\/\d+\r*\n42done/);
    expect(result.output).toMatch(/30 100\r*\n43done/);
    expect(result.output).toMatch(/40 120\r*\n44done/);
    expect(result.output).toMatch(/command terminated with exit code 3\r*\n$/);
    expect(result.code).toBe(3);
  });

  it('rollout status draws a bar redrawn in place, then the success line', async () => {
    // Ready only 4 s after starting, so the rollout is still under way when superctl first looks
    // (plain busybox pods were once all ready before it started, and no bar was drawn).
    const container = {
      name: 'bar',
      image: BUSYBOX,
      command: ['sh', '-c', 'sleep 4; touch /tmp/ready; exec sleep 3600'],
      readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
    };
    await cluster.client.create(Deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bar', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'bar' } },
        template: { metadata: { labels: { app: 'bar' } }, spec: { terminationGracePeriodSeconds: 1, containers: [container] } },
      },
    });
    const result = await onPty(['rollout', 'status', 'deploy/bar', '--timeout=150s'], []);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/\r\[[█░]{24}\] \d\/3 updated, \d\/3 ready/);
    expect(result.output).toContain('\x1b[K');
    expect(result.output).toMatch(/deployment "bar" successfully rolled out\r?\n$/);
    expect(result.output).not.toMatch(/Waiting for deployment "bar" rollout to finish: \d+ out of/);
  });
});
