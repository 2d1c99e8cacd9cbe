// The Docker runtime's pure parts, without a daemon: frame demultiplexing across chunk
// boundaries, timestamp rewriting, the tar writer, CPU conversions, labels and image names.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { milliCpuToQuota, milliCpuToShares } from '../../../src/superlet/runtime/docker/create-options.js';
import { normalizeImage } from '../../../src/superlet/runtime/docker/images.js';
import { annotationsFromLabels, podFromLabels, podLabels } from '../../../src/superlet/runtime/docker/labels.js';
import { containerState } from '../../../src/superlet/runtime/docker/status.js';
import { FrameParser, mergedDemuxer, rfc3339Nano, timestampRewriter } from '../../../src/superlet/runtime/docker/streams.js';
import { tarArchive } from '../../../src/superlet/runtime/docker/tar.js';
import { formatRfc3339Nano } from '../../../src/superlet/runtime/timestamps.js';
import { readAll } from './fixtures.js';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('Docker stream frames', () => {
  it('reassembles frames split anywhere, headers included', () => {
    const bytes = Buffer.concat([frame(1, 'out-1\n'), frame(2, 'err-1\n'), frame(1, 'out-2\n')]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const seen: string[] = [];
      const parser = new FrameParser((stream, payload) => seen.push(`${stream}:${payload.toString()}`));
      parser.push(bytes.subarray(0, cut));
      parser.push(bytes.subarray(cut));
      expect(seen).toEqual(['stdout:out-1\n', 'stderr:err-1\n', 'stdout:out-2\n']);
    }
  });

  it('merges stdout and stderr payloads in order', async () => {
    const source = Readable.from([Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n')]).subarray(0, 5), Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n')]).subarray(5)]);
    expect(await readAll(source.pipe(mergedDemuxer()))).toBe('a\nb\n');
  });
});

describe('log timestamps', () => {
  it("prints Docker's fixed nine digits as Go's RFC3339Nano", () => {
    expect(rfc3339Nano('2024-05-01T10:20:30.123456789Z hello')).toBe('2024-05-01T10:20:30.123456789Z hello');
    expect(rfc3339Nano('2024-05-01T10:20:30.123450000Z hello world')).toBe('2024-05-01T10:20:30.12345Z hello world');
    expect(rfc3339Nano('2024-05-01T10:20:30.000000000Z x')).toBe('2024-05-01T10:20:30Z x');
    expect(rfc3339Nano('not a timestamp')).toBe('not a timestamp');
    expect(formatRfc3339Nano(new Date('2024-05-01T10:20:30.120Z'))).toBe('2024-05-01T10:20:30.12Z');
    expect(formatRfc3339Nano(new Date('2024-05-01T10:20:30.000Z'))).toBe('2024-05-01T10:20:30Z');
  });

  it('rewrites each line even when chunks cut lines', async () => {
    const text = '2024-05-01T10:20:30.100000000Z one\n2024-05-01T10:20:31.000000000Z two\n2024-05-01T10:20:32.5Z three';
    const chunks = [text.slice(0, 10), text.slice(10, 40), text.slice(40, 70), text.slice(70)];
    expect(await readAll(Readable.from(chunks.map((c) => Buffer.from(c))).pipe(timestampRewriter()))).toBe(
      '2024-05-01T10:20:30.1Z one\n2024-05-01T10:20:31Z two\n2024-05-01T10:20:32.5Z three',
    );
  });
});

describe('the tar writer', () => {
  it('writes an archive that tar reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runtime-tar-'));
    try {
      const content = Buffer.alloc(1500, 7);
      const archive = tarArchive([
        { type: 'dir', name: 'bin', mode: 0o755 },
        { type: 'file', name: 'bin/tool', mode: 0o755, content },
        { type: 'symlink', name: 'bin/alias', target: 'tool' },
      ]);
      expect(archive.length % 512).toBe(0);
      await writeFile(join(dir, 'a.tar'), archive);
      const listing = execFileSync('tar', ['-tvf', join(dir, 'a.tar')], { encoding: 'utf8' });
      expect(listing).toMatch(/^drwxr-xr-x .* bin\/$/m);
      expect(listing).toMatch(/^-rwxr-xr-x .* 1500 .* bin\/tool$/m);
      expect(listing).toMatch(/^lrwxrwxrwx .* bin\/alias -> tool$/m);
      execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir]);
      expect(await readFile(join(dir, 'bin/tool'))).toEqual(content);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('CPU conversions, as the kubelet makes them', () => {
  it('turns a request into shares with a floor of 2', () => {
    expect(milliCpuToShares(0)).toBe(2);
    expect(milliCpuToShares(1)).toBe(2);
    expect(milliCpuToShares(250)).toBe(256);
    expect(milliCpuToShares(1000)).toBe(1024);
    expect(milliCpuToShares(10_000_000)).toBe(262_144);
  });

  it('turns a limit into a CFS quota over 100 ms with a floor of 1 ms', () => {
    expect(milliCpuToQuota(0)).toBeUndefined();
    expect(milliCpuToQuota(500)).toEqual({ quota: 50_000, period: 100_000 });
    expect(milliCpuToQuota(2000)).toEqual({ quota: 200_000, period: 100_000 });
    expect(milliCpuToQuota(5)).toEqual({ quota: 1000, period: 100_000 });
  });
});

describe('labels and names', () => {
  it('round-trips the pod and annotations through labels', () => {
    const pod = { uid: 'u-1', name: 'web', namespace: 'prod', nodeName: 'node-a' };
    const labels = podLabels(pod, 'container', { 'supernetes.io/hash': 'abc', plain: 'x' });
    expect(podFromLabels(labels)).toEqual(pod);
    expect(annotationsFromLabels(labels)).toEqual({ 'supernetes.io/hash': 'abc', plain: 'x' });
    expect(podFromLabels({ 'com.example': 'x' })).toBeUndefined();
  });

  it('reads an image without a tag as :latest, as Docker does', () => {
    expect(normalizeImage('busybox')).toBe('busybox:latest');
    expect(normalizeImage('localhost:5000/busybox')).toBe('localhost:5000/busybox:latest');
    expect(normalizeImage('localhost:5000/busybox:1.0')).toBe('localhost:5000/busybox:1.0');
    expect(normalizeImage('busybox@sha256:abcd')).toBe('busybox@sha256:abcd');
  });

  it("maps Docker's states onto the runtime's", () => {
    expect(['created', 'running', 'paused', 'restarting', 'exited', 'dead', 'removing'].map(containerState)).toEqual([
      'created',
      'running',
      'running',
      'running',
      'exited',
      'exited',
      'unknown',
    ]);
  });
});
