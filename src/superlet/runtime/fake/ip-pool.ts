// Fake pod addresses from a CIDR (default 10.244.0.0/16), handed out in order and reused once
// released, skipping .0 and .255 so every address looks like a host's.

export class IpPool {
  private readonly base: number;
  private readonly size: number;
  private next = 1;
  private readonly free = new Set<number>();

  constructor(cidr = '10.244.0.0/16') {
    const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    const octets = match?.slice(1, 5).map(Number) ?? [];
    const bits = Number(match?.[5]);
    if (octets.length !== 4 || octets.some((o) => o > 255) || !(bits >= 8 && bits <= 30)) {
      throw new Error(`bad pod CIDR ${JSON.stringify(cidr)}: want a.b.c.d/n with 8 <= n <= 30`);
    }
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    const address = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    this.size = 2 ** (32 - bits);
    this.base = address - (address % this.size);
  }

  allocate(): string {
    const reused = this.free.values().next();
    if (reused.done !== true) {
      this.free.delete(reused.value);
      return format(this.base + reused.value);
    }
    while (this.next < this.size - 1) {
      const offset = this.next++;
      const last = (this.base + offset) % 256;
      if (last !== 0 && last !== 255) return format(this.base + offset);
    }
    throw new Error('fake runtime: pod CIDR exhausted');
  }

  release(ip: string): void {
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4) return;
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    const offset = (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) - this.base;
    if (offset > 0 && offset < this.next) this.free.add(offset);
  }
}

function format(address: number): string {
  return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
}
