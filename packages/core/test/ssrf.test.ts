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
  ])('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
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
