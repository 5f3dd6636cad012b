/**
 * Source-address allow-list. Exact addresses (IPv4 or IPv6) and IPv4 CIDR blocks.
 */

/** `::ffff:127.0.0.2` (an IPv4 peer on a dual-stack socket) is `127.0.0.2`. */
export function normalizeAddress(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function ipv4ToInt(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Throws on an entry that is neither an address nor an IPv4 CIDR, so a typo fails at startup. */
export function parseAllowEntry(entry: string): (address: string) => boolean {
  const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(entry);
  if (cidr !== null) {
    const base = ipv4ToInt(cidr[1]!);
    const bits = Number(cidr[2]);
    if (base === undefined || bits > 32) throw new Error(`bank-sim: bad allow-list entry ${entry}`);
    const size = 2 ** (32 - bits);
    const start = Math.floor(base / size) * size;
    return (address) => {
      const n = ipv4ToInt(address);
      return n !== undefined && n >= start && n < start + size;
    };
  }
  if (ipv4ToInt(entry) === undefined && !/^[0-9A-Fa-f:]+$/.test(entry)) {
    throw new Error(`bank-sim: bad allow-list entry ${entry}`);
  }
  const want = normalizeAddress(entry);
  return (address) => address === want;
}

export function compileAllowList(allow: readonly string[] | 'any'): (address: string) => boolean {
  if (allow === 'any') return () => true;
  const tests = allow.map(parseAllowEntry);
  return (address) => tests.some((t) => t(address));
}
