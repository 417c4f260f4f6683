import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { assertAllowedAddress, guardedLookup } from './ssrf';

export interface SignedPost {
  url: string;
  secret: string;
  messageId: string;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
}

export interface PostResult {
  status: number;
}

/** Signs a payload per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). */
export function signHeaders(
  secret: string,
  messageId: string,
  body: string,
  at = new Date(),
): Record<string, string> {
  const signature = new Webhook(secret).sign(messageId, at, body);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/**
 * POSTs one signed delivery. Redirects are not followed (a redirect could point anywhere);
 * the address is checked in the socket's own DNS lookup, so what is checked is what is dialled.
 */
export async function postSigned(post: SignedPost): Promise<PostResult> {
  const url = new URL(post.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) assertAllowedAddress(host, post.allowPrivate);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Engram-Webhooks/1',
    ...signHeaders(post.secret, post.messageId, post.body),
  };
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'POST', headers, timeout: post.timeoutMs, lookup: guardedLookup(post.allowPrivate) as never },
      (res) => {
        res.resume(); // the body is not needed; drain it so the socket is freed
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${post.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(post.body);
  });
}
