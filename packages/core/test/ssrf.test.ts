import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertSafeUrl, classifyAddress, postSigned } from '../src';

describe('webhook target guard', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['127.0.0.1', 'private'],
    ['10.1.2.3', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.0.10', 'private'],
    ['100.64.0.1', 'private'],
    ['::1', 'private'],
    ['fd12::1', 'private'],
    ['169.254.169.254', 'forbidden'],
    ['::ffff:169.254.169.254', 'forbidden'],
    ['::ffff:127.0.0.1', 'private'],
    ['fe80::1', 'forbidden'],
    ['0.0.0.0', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['fd00:ec2::254', 'forbidden'],
    ['not-an-ip', 'forbidden'],
    // IPv6 forms that carry an IPv4 address are judged by the IPv4 address they reach.
    ['::127.0.0.1', 'private'], // IPv4-compatible
    ['::a9fe:a9fe', 'forbidden'], // IPv4-compatible 169.254.169.254
    ['::8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'forbidden'], // NAT64 to the metadata address
    ['64:ff9b::a00:1', 'private'], // NAT64 to 10.0.0.1
    ['64:ff9b::808:808', 'public'], // NAT64 to 8.8.8.8
    ['64:ff9b:1::a9fe:a9fe', 'forbidden'], // local-use NAT64
    ['2002:a9fe:a9fe::1', 'forbidden'], // 6to4 around 169.254.169.254
    ['2002:7f00:1::1', 'private'], // 6to4 around 127.0.0.1
    ['2002:808:808::1', 'public'],
    ['::ffff:0:a9fe:a9fe', 'forbidden'], // IPv4-translated
    ['::ffff:a9fe:a9fe', 'forbidden'], // IPv4-mapped in hex
    ['[::ffff:7f00:1]', 'private'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'forbidden'], // Teredo
    ['2001:db8::1', 'forbidden'], // documentation
    ['ff02::1', 'forbidden'],
    ['::', 'forbidden'],
    ['100.100.100.200', 'forbidden'], // Alibaba Cloud metadata
    ['198.18.0.1', 'private'],
    ['192.0.2.1', 'forbidden'],
    ['255.255.255.255', 'forbidden'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each([
    'http://[::127.0.0.1]/',
    'http://[::a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:a9fe:a9fe::1]/',
    'http://[::ffff:0:a9fe:a9fe]/',
  ])('refuses %s as a webhook target', async (url) => {
    await expect(assertSafeUrl(url, false)).rejects.toMatchObject({ code: 'unsafe_webhook_target' });
  });

  it('checks names by what they resolve to, and refuses credentials and other schemes', async () => {
    await expect(assertSafeUrl('http://localhost:8080/hook', false)).rejects.toMatchObject({
      code: 'unsafe_webhook_target',
    });
    await expect(assertSafeUrl('http://localhost:8080/hook', true)).resolves.toBeInstanceOf(URL);
    await expect(assertSafeUrl('http://user:pw@8.8.8.8/', true)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(assertSafeUrl('gopher://8.8.8.8/', true)).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('re-checks at delivery time, in the connection’s own lookup (a name that now points inside is refused)', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const post = (url: string, allowPrivate: boolean) =>
      postSigned({
        url,
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        messageId: 'msg_1',
        body: '{}',
        timeoutMs: 2000,
        allowPrivate,
      });
    try {
      // "localhost" stands for a public name re-pointed at a private address after registration.
      await expect(post(`http://localhost:${port}/`, false)).rejects.toMatchObject({
        code: 'unsafe_webhook_target',
      });
      await expect(post(`http://127.0.0.1:${port}/`, false)).rejects.toMatchObject({
        code: 'unsafe_webhook_target',
      });
      expect(hits).toBe(0);
      await expect(post(`http://localhost:${port}/`, true)).resolves.toEqual({ status: 200 });
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});
