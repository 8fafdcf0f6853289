// IP address literals and CIDR ranges as aws/event-ruler reads them (through Java's InetAddress):
// dotted-quad IPv4 and hexadecimal IPv6 in any case, with one "::" for a run of zero groups.
// An IPv4-mapped IPv6 address (::ffff:a00:1) is the IPv4 address it maps. Embedded dotted
// quads (::ffff:10.0.0.1) and zone ids (fe80::1%eth0) are not addresses there, so not here.

export type IpAddress = { bits: 32 | 128; value: bigint };
export type CidrRange = { address: IpAddress; maskBits: number };

export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = parseIPv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { bits: 32, value: v6 & 0xffffffffn };
  return { bits: 128, value: v6 };
}

export function sameIpAddress(a: string, b: string): boolean {
  const [x, y] = [parseIpAddress(a), parseIpAddress(b)];
  return x !== undefined && y !== undefined && x.bits === y.bits && x.value === y.value;
}

/** The range, or why the text is not one. */
export function parseCidr(cidr: string): CidrRange | string {
  const parts = cidr.split('/');
  if (parts.length !== 2) return "malformed CIDR, one '/' required";
  const [text = '', mask = ''] = parts;
  if (!/^\d+$/.test(mask)) return 'malformed CIDR, mask bits must be a non-negative integer';
  const address = parseIpAddress(text);
  if (address === undefined) return `invalid IP address: ${text}`;
  const maskBits = Number(mask);
  // event-ruler (and so EventBridge) rejects /32 and /128; a single address is written as a plain string.
  if (maskBits >= address.bits) return `IPv${address.bits === 32 ? 4 : 6} mask bits must be < ${address.bits}`;
  return { address, maskBits };
}

export function inCidr(range: CidrRange, text: string): boolean {
  const ip = parseIpAddress(text);
  if (ip === undefined || ip.bits !== range.address.bits) return false;
  const hostBits = BigInt(ip.bits - range.maskBits);
  return ip.value >> hostBits === range.address.value >> hostBits;
}

function parseIPv4(text: string): bigint | undefined {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)?.slice(1).map(Number);
  if (!octets || octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
}

function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const [head = [], tail = []] = halves.map((half) => (half === '' ? [] : half.split(':')));
  const groups = [...head, ...tail];
  if (!groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  // Without "::" all eight groups are written; with it, it stands for at least one.
  if (halves.length === 1 ? groups.length !== 8 : groups.length > 7) return undefined;
  const zeros = Array<string>(8 - groups.length).fill('0');
  return [...head, ...zeros, ...tail].reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}
