import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { EngramError } from '../errors';

/**
 * Webhook targets are user-supplied URLs the server will call: without a guard they reach
 * the host's loopback services, the LAN, or a cloud metadata endpoint (SSRF).
 * Link-local and metadata ranges are refused always; private and loopback ranges unless the
 * operator allows them (self-hosters on a LAN, tests). The check runs when the URL is
 * registered and again inside the connection's DNS lookup, so a name that later resolves
 * to a forbidden address (DNS rebinding) is caught at delivery.
 */

const forbidden = new BlockList();
forbidden.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, incl. 169.254.169.254 metadata
forbidden.addSubnet('0.0.0.0', 8, 'ipv4');
forbidden.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
forbidden.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, broadcast
forbidden.addSubnet('100.100.100.200', 32, 'ipv4'); // Alibaba Cloud metadata
forbidden.addSubnet('fe80::', 10, 'ipv6'); // link-local
forbidden.addSubnet('ff00::', 8, 'ipv6'); // multicast
forbidden.addAddress('::', 'ipv6');
forbidden.addAddress('fd00:ec2::254', 'ipv6'); // AWS IPv6 metadata

const privateRanges = new BlockList();
privateRanges.addSubnet('10.0.0.0', 8, 'ipv4');
privateRanges.addSubnet('172.16.0.0', 12, 'ipv4');
privateRanges.addSubnet('192.168.0.0', 16, 'ipv4');
privateRanges.addSubnet('127.0.0.0', 8, 'ipv4');
privateRanges.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
privateRanges.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking
privateRanges.addAddress('::1', 'ipv6');
privateRanges.addSubnet('fc00::', 7, 'ipv6'); // unique local

export type AddressClass = 'public' | 'private' | 'forbidden';

export function classifyAddress(address: string): AddressClass {
  let ip = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1]!; // IPv4-mapped IPv6 is the IPv4 address in disguise
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(ip) === 0) return 'forbidden';
  if (forbidden.check(ip, family)) return 'forbidden';
  if (privateRanges.check(ip, family)) return 'private';
  return 'public';
}

export function assertAllowedAddress(address: string, allowPrivate: boolean): void {
  const kind = classifyAddress(address);
  if (kind === 'forbidden' || (kind === 'private' && !allowPrivate)) {
    throw new EngramError(
      'unsafe_webhook_target',
      kind === 'forbidden'
        ? `webhook target resolves to ${address}, a link-local, metadata or reserved address`
        : `webhook target resolves to ${address}, a private or loopback address (set ENGRAM_WEBHOOK_ALLOW_PRIVATE=1 to allow)`,
      { errors: [{ field: 'url', message: 'target address is not allowed' }], address },
    );
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http.request that refuses disallowed addresses at connect time. */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      try {
        for (const a of addresses) assertAllowedAddress(a.address, allowPrivate);
      } catch (e) {
        return callback(e as NodeJS.ErrnoException, []);
      }
      const all = (options as { all?: boolean }).all;
      if (all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** Checks a URL when it is registered: scheme, and every address its host resolves to now. */
export async function assertSafeUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EngramError('validation_failed', 'url: not a valid URL', {
      errors: [{ field: 'url', message: 'not a valid URL' }],
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EngramError('validation_failed', 'url: must be http or https', {
      errors: [{ field: 'url', message: 'must be http or https' }],
    });
  }
  if (url.username || url.password) {
    throw new EngramError('validation_failed', 'url: must not carry credentials', {
      errors: [{ field: 'url', message: 'must not carry credentials' }],
    });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    assertAllowedAddress(host, allowPrivate);
    return url;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, list) => (err ? reject(err) : resolve(list))),
  ).catch(() => {
    throw new EngramError('validation_failed', `url: host ${host} does not resolve`, {
      errors: [{ field: 'url', message: 'host does not resolve' }],
    });
  });
  for (const a of addresses) assertAllowedAddress(a.address, allowPrivate);
  return url;
}
