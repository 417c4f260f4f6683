/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type CloudServer, createCloudServer } from '../src/server';
import { callApi } from './http';

/** Debian's Chromium (services.sh installs it); Playwright's own browser download is not used. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots are made by every run and never committed (.gitignore). */
const SHOTS = path.resolve(__dirname, '..', 'test-results', 'dashboard');

describe('analytics dashboard in Chromium', () => {
  let cloud: CloudServer;
  let server: Server;
  let base: string;
  let browser: Browser;
  let adminKey: string; // the project's admin key: sees its organisation
  let readKey: string;
  let projectId: string;
  let failingHook: Server;
  let webhookId: string;
  const searches: { query: string; results: number }[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: run scripts/services.sh`);
    mkdirSync(SHOTS, { recursive: true });
    const dir = mkdtempSync(path.join(tmpdir(), 'engram-dashboard-'));
    cloud = await createCloudServer(
      {
        ENGRAM_DATA_DIR: dir,
        ENGRAM_TELEMETRY: 'off',
        ENGRAM_EMBEDDER_THREADS: '1',
        HOST: '127.0.0.1',
        ENGRAM_WEBHOOK_ALLOW_PRIVATE: '1',
      },
      { logger: pino({ level: 'silent' }) },
    );
    server = await cloud.listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const platform = cloud.generatedAdminKey!;
    const org = (await callApi(base, '/v1/admin/orgs', platform, 'POST', { name: 'acme' })).body;
    await callApi(base, `/v1/admin/orgs/${org.id}/plan`, platform, 'PUT', { plan: 'enterprise' });
    const project = (
      await callApi(base, `/v1/admin/orgs/${org.id}/projects`, platform, 'POST', { name: 'prod' })
    ).body;
    projectId = project.id;
    const keyOf = async (projectOf: string, scopes: string[]) =>
      (await callApi(base, `/v1/admin/projects/${projectOf}/keys`, platform, 'POST', { name: 'k', scopes }))
        .body.key as string;
    adminKey = await keyOf(project.id, ['admin']);
    readKey = await keyOf(project.id, ['read']);
    const staging = (
      await callApi(base, `/v1/admin/orgs/${org.id}/projects`, platform, 'POST', { name: 'staging' })
    ).body;
    const stagingKey = await keyOf(staging.id, ['write']);

    // A webhook whose receiver always fails: its deliveries show up as retrying.
    failingHook = createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((r) => failingHook.listen(0, '127.0.0.1', () => r()));
    const hookUrl = `http://127.0.0.1:${(failingHook.address() as AddressInfo).port}/hook`;
    webhookId = (
      await callApi(base, '/v1/webhooks', adminKey, 'POST', { url: hookUrl, events: ['memory.created'] })
    ).body.id;

    const facts = [
      'Ana adopted a grey cat named Miso in March',
      'Ana works as a nurse at the city hospital',
      'Ben is training for the Berlin marathon',
      'Ben and Ana went hiking in the Alps last summer',
    ];
    for (const content of facts) {
      expect((await callApi(base, '/v1/memory', adminKey, 'POST', { content, user_id: 'ana' })).status).toBe(
        201,
      );
    }
    await callApi(base, '/v1/memory', stagingKey, 'POST', { content: 'a staging memory', user_id: 'x' });
    await callApi(base, '/v1/memory/search', stagingKey, 'POST', { query: 'staging', user_id: 'x' });
    for (const query of ['Ana cat', 'Ana cat', 'marathon', 'where does Ana work', 'zzqx unknown words']) {
      const found = await callApi(base, '/v1/memory/search', adminKey, 'POST', {
        query,
        user_id: 'ana',
        top_k: 3,
        ...(query.startsWith('zzqx') ? { min_score: 0.99 } : {}),
      });
      expect(found.status).toBe(200);
      searches.push({ query, results: found.body.results.length });
      if (query === 'marathon') {
        await callApi(base, '/v1/feedback', adminKey, 'POST', {
          search_id: found.body.search_id,
          memory_id: found.body.results[0].memory.id,
          signal: 'positive',
        });
      }
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => failingHook?.close(resolve));
    await new Promise((resolve) => server?.close(resolve));
    await cloud?.close();
  });

  /** Every logged search of the project, read from the logs API (the numbers the page must show). */
  async function loggedSearches() {
    const all = [];
    let cursor: string | null = null;
    do {
      const page: {
        body: { data: { result_count: number; latency_ms: number }[]; next_cursor: string | null };
      } = await callApi(base, `/v1/logs/queries?limit=100${cursor ? `&cursor=${cursor}` : ''}`, adminKey);
      all.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    return all;
  }

  async function signIn(page: Page, key: string) {
    await page.goto(`${base}/dashboard/`);
    await page.fill('#key', key);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('kpi-searches')?.textContent !== '–');
  }

  it('signs in, shows the overview as the logs have it, changes the range and opens a search', async () => {
    const logs = await loggedSearches();
    expect(logs).toHaveLength(searches.length);
    const zero = logs.filter((l) => l.result_count === 0).length;
    expect(zero).toBe(searches.filter((s) => s.results === 0).length);
    expect(zero).toBeGreaterThan(0);

    // Every delivery has failed at least once by now (they retry with backoff).
    let deliveries: { status: string; attempts: number }[] = [];
    for (let i = 0; i < 100; i++) {
      deliveries = (await callApi(base, `/v1/webhooks/${webhookId}/deliveries`, adminKey)).body.data;
      if (deliveries.length === 4 && deliveries.every((d) => d.attempts > 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const retrying = deliveries.filter((d) => d.status === 'pending' && d.attempts > 0).length;
    expect(retrying).toBe(4);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} ${m.location().url}`));
    await page.goto(`${base}/dashboard/`);
    await page.waitForSelector('#sign-in-form', { state: 'visible' });
    await page.screenshot({ path: path.join(SHOTS, '1-sign-in.png') });
    await signIn(page, readKey);
    const text = (id: string) => page.textContent(`#${id}`);
    expect(await text('kpi-searches')).toBe(String(logs.length));
    expect(await text('kpi-zero')).toBe(`${((zero / logs.length) * 100).toFixed(1)}%`);
    expect(await text('kpi-feedback')).toBe(`${((1 / logs.length) * 100).toFixed(1)}%`);
    expect(await text('kpi-stored')).toBe('4');
    // The most frequent query, counted as the logs have it (normalised: case and spaces).
    expect(await page.textContent('#top-queries tbody tr:first-child td:first-child')).toBe('ana cat');
    expect(await page.textContent('#top-queries tbody tr:first-child td:nth-child(2)')).toBe('2');
    expect(await page.locator('#searches tbody tr').count()).toBe(logs.length);
    expect(await page.locator('#chart-searches canvas').count()).toBe(1);
    expect(await text('webhook-summary')).toBe(
      `0 failed, ${retrying} retrying, of ${deliveries.length} recent deliveries`,
    );
    // The session cookie is out of the page's reach.
    expect(await page.evaluate(() => document.cookie)).not.toContain('engram_dashboard');
    await page.screenshot({ path: path.join(SHOTS, '2-overview.png'), fullPage: true });

    // A range with no searches in it shows zeros, and back.
    await page.fill('#from', '2020-01-01');
    await page.fill('#to', '2020-01-31');
    await page.click('#filters button[type=submit]');
    await page.waitForFunction(() => document.getElementById('kpi-searches')?.textContent === '0');
    await page.screenshot({ path: path.join(SHOTS, '3-empty-range.png'), fullPage: true });

    // One search in the explorer: each result with its signals, as its retrieval logs have it.
    await page.click('#searches tbody tr:has-text("marathon")');
    await page.waitForSelector('#explorer', { state: 'visible' });
    const searchId = await page.textContent('#explorer-id');
    const retrievals = (await callApi(base, `/v1/logs/retrievals?search_id=${searchId}`, adminKey)).body.data;
    expect(await page.locator('#explorer-results tbody tr').count()).toBe(retrievals.length);
    expect(await page.textContent('#explorer-results tbody tr:first-child td:nth-child(7)')).toBe('positive');
    // The graph around the results: every entity the API says they mention, drawn once.
    const explored = (await callApi(base, `/v1/analytics/searches/${searchId}`, adminKey)).body;
    const names = [
      ...new Set(
        explored.results.flatMap((r: { entities: { name: string; kind: string }[] }) =>
          r.entities.map((e) => `${e.name} (${e.kind})`),
        ),
      ),
    ];
    expect(names.length).toBeGreaterThan(0);
    expect((await page.locator('#explorer-graph text.graph-entity').allTextContents()).sort()).toEqual(
      names.sort(),
    );
    await page.screenshot({ path: path.join(SHOTS, '4-search.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the organisation to an admin key and refuses it to others', async () => {
    const page = await browser.newPage();
    await signIn(page, adminKey);
    await page.selectOption('#scope', 'organization');
    await page.click('#filters button[type=submit]');
    // Both projects: this one's searches and staging's one.
    await page.waitForFunction(
      (n) => document.getElementById('kpi-searches')?.textContent === String(n),
      searches.length + 1,
    );
    await page.screenshot({ path: path.join(SHOTS, '5-organisation.png'), fullPage: true });
    await page.close();
    const viewer = await callApi(base, '/v1/analytics/overview?scope=organization', readKey);
    expect(viewer.status).toBe(403);
  });

  it('keeps the session safe: HttpOnly, SameSite=Strict, read-only, never cross-site', async () => {
    const signIn = (headers: Record<string, string>) =>
      fetch(`${base}/dashboard/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ key: adminKey }),
      });
    expect((await signIn({ 'x-engram-dashboard': '1', origin: 'https://evil.example' })).status).toBe(403);
    expect((await signIn({})).status).toBe(403); // no dashboard header: a plain form post
    const ok = await signIn({ 'x-engram-dashboard': '1', origin: base });
    expect(ok.status).toBe(201);
    const setCookie = ok.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const withCookie = (route: string, headers: Record<string, string>, init: RequestInit = {}) =>
      fetch(`${base}${route}`, { ...init, headers: { cookie, ...headers, ...(init.headers ?? {}) } });
    // Without the dashboard's header the cookie authenticates nothing.
    expect((await withCookie('/v1/analytics/overview', {})).status).toBe(401);
    const dash = { 'x-engram-dashboard': '1' };
    expect((await withCookie('/v1/analytics/overview', dash)).status).toBe(200);
    // Signed in with an admin key, the session still only reads.
    const write = await withCookie('/v1/memory', dash, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'written through a dashboard session' }),
    });
    expect(write.status).toBe(403);
    expect((await withCookie('/dashboard/session', dash, { method: 'DELETE' })).status).toBe(204);
    expect((await withCookie('/v1/analytics/overview', dash)).status).toBe(401);
    expect(await signIn({ 'x-engram-dashboard': '1', origin: base }).then((r) => r.status)).toBe(201);
    const bad = await fetch(`${base}/dashboard/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-engram-dashboard': '1' },
      body: JSON.stringify({ key: 'egm_not_a_key' }),
    });
    expect(bad.status).toBe(401);
  });

  it('refuses analytics to a plan without it', async () => {
    const platform = cloud.generatedAdminKey!;
    const org = (await callApi(base, '/v1/admin/orgs', platform, 'POST', { name: 'free-org' })).body;
    const project = (
      await callApi(base, `/v1/admin/orgs/${org.id}/projects`, platform, 'POST', { name: 'p' })
    ).body;
    const key = (
      await callApi(base, `/v1/admin/projects/${project.id}/keys`, platform, 'POST', {
        name: 'k',
        scopes: ['read'],
      })
    ).body.key;
    const refused = await callApi(base, '/v1/analytics/overview', key);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/analytics is not in the free plan/);
  });

  it('checks the range it is asked for', async () => {
    const reversed = await callApi(base, '/v1/analytics/overview?from=2026-02-01&to=2026-01-01', adminKey);
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors[0].field).toBe('from');
    const tooLong = await callApi(base, '/v1/analytics/overview?from=2020-01-01&to=2026-01-01', adminKey);
    expect(tooLong.status).toBe(400);
    expect((await callApi(base, `/v1/analytics/searches/srch_nope`, adminKey)).status).toBe(404);
    expect(projectId).toBeTruthy();
  });
});
