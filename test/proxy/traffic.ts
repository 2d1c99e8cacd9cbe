// What service tests need besides the cluster: HTTP requests on fresh connections (each one a new
// conntrack entry, so a new load-balancing choice), wget from inside a container, and the proxy's
// rules as iptables-save shows them.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One GET on its own connection; the body, trimmed. */
export function httpGet(host: string, port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`HTTP ${res.statusCode}: ${body.trim()}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The bodies (hostnames) of `count` GETs. */
export async function hostnamesFrom(host: string, port: number, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(await httpGet(host, port));
  return out;
}

/**
 * `wget -O- url` run in a container; the body, or throws with wget's complaint. (`timeout`, not
 * wget's -T: Debian's static busybox 1.35 wget crashes with -T.)
 */
export async function wgetIn(containerId: string, url: string): Promise<string> {
  try {
    const { stdout } = await run('docker', ['exec', containerId, 'timeout', '5', 'wget', '-q', '-O', '-', url], { timeout: 15_000 });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`wget ${url} in ${containerId.slice(0, 12)} failed: ${stderr.trim() || String(error)}`);
  }
}

/** iptables-save of the filter and nat tables. */
export async function iptablesSave(): Promise<string> {
  const [filter, nat] = await Promise.all(['filter', 'nat'].map((t) => run('iptables-save', ['-t', t])));
  return `${filter?.stdout ?? ''}${nat?.stdout ?? ''}`;
}

/** The lines of iptables-save that mention SUPERNETES. */
export async function proxyRules(): Promise<string[]> {
  return (await iptablesSave()).split('\n').filter((l) => l.includes('SUPERNETES'));
}

/** The pid holding the host's proxy lock, if a live process other than this one does. */
export async function otherProxyOnHost(lockPath = '/run/supernetes-proxy.lock'): Promise<number | undefined> {
  const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** The rule that rejects the whole service range, if it and the jumps to it are in place. */
export async function rangeRejectInPlace(serviceCidr = '10.96.0.0/12'): Promise<boolean> {
  const save = await iptablesSave();
  const reject = save.split('\n').some((l) => l.startsWith('-A SUPERNETES-SERVICES') && l.includes(`-d ${serviceCidr}`) && l.includes('-j REJECT'));
  const jumps = ['FORWARD', 'OUTPUT'].every((chain) => save.split('\n').some((l) => l.startsWith(`-A ${chain} `) && l.endsWith('-j SUPERNETES-SERVICES')));
  return reject && jumps;
}
