import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { EngramError } from '../errors';

/**
 * Webhook targets are user-supplied URLs the server will call: without a guard they reach
 * the host's loopback services, the LAN, or a cloud metadata endpoint (SSRF).
 * Link-local and metadata ranges are refused always; private and loopback ranges unless the
 * operator allows them (self-hosters on a LAN, tests). The check runs when the URL is
 * registered and again inside the connection's DNS lookup, so a name that later resolves
 * to a forbidden address (DNS rebinding) is caught at delivery.
 */

/** Addresses inside otherwise allowed ranges that reach cloud metadata services. */
const METADATA = new Set(['100.100.100.200', 'fd00:ec2::254']);
const PRIVATE_V4 = new Set(['private', 'loopback', 'carrierGradeNat']);
const PRIVATE_V6 = new Set(['uniqueLocal', 'loopback']);
/** 198.18.0.0/15, benchmarking: ipaddr.js files it under "reserved" with ranges that stay forbidden. */
const BENCHMARKING = ipaddr.parseCIDR('198.18.0.0/15');
/** 64:ff9b:1::/48, local-use NAT64 (RFC 8215): where the IPv4 sits depends on the operator, so it is refused. */
const LOCAL_NAT64 = ipaddr.parseCIDR('64:ff9b:1::/48');

export type AddressClass = 'public' | 'private' | 'forbidden';

/**
 * The IPv4 address an IPv6 address carries and routes to, or null: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4
 * (2002:AABB:CCDD::/48). Each is checked as the IPv4 address it reaches.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const bytes = address.toByteArray();
  const at = (offset: number) => new ipaddr.IPv4(bytes.slice(offset, offset + 4));
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return at(12);
  if (range === '6to4') return at(2);
  const compatible =
    bytes.slice(0, 12).every((b) => b === 0) && range !== 'loopback' && range !== 'unspecified';
  return compatible ? at(12) : null;
}

/**
 * Public, private (LAN, loopback: allowed only when the operator says so) or forbidden
 * (link-local, metadata, multicast, reserved, Teredo, anything unparseable). Only ranges
 * known to be ordinary unicast are public.
 */
export function classifyAddress(raw: string): AddressClass {
  const text = raw.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(text)) return 'forbidden';
  let address = ipaddr.parse(text);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.match(LOCAL_NAT64)) return 'forbidden';
    address = embeddedIPv4(v6) ?? v6;
  }
  if (METADATA.has(address.toNormalizedString()) || METADATA.has(address.toString())) return 'forbidden';
  const range = address.range();
  if (address.kind() === 'ipv4') {
    if ((address as ipaddr.IPv4).match(BENCHMARKING)) return 'private';
    if (PRIVATE_V4.has(range)) return 'private';
  } else if (PRIVATE_V6.has(range)) return 'private';
  return range === 'unicast' ? 'public' : 'forbidden';
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
