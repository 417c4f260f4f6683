// Engram's analytics dashboard: signs in with a key (an HttpOnly session cookie, kept by the
// browser), then reads /v1/analytics/* and /v1/logs/* with the dashboard's header. Every number
// shown comes from those answers as they are; nothing is computed here but formatting.

const $ = (id) => document.getElementById(id);
const HEADERS = { 'x-engram-dashboard': '1' };
const state = { searchesCursor: null, charts: [] };

async function api(path, init = {}) {
  const res = await fetch(path, {
    ...init,
    credentials: 'same-origin',
    headers: { ...HEADERS, ...(init.headers || {}) },
  });
  if (res.status === 204) return null;
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const error = new Error(body?.detail || body?.title || `HTTP ${res.status}`);
    error.status = res.status;
    throw error;
  }
  return body;
}

const fmt = {
  int: (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US')),
  pct: (r) => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`),
  ms: (n) => (n === null || n === undefined ? '–' : `${n} ms`),
  when: (iso) => iso.replace('T', ' ').slice(0, 19),
};

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function fill(tableId, rows, toCells, onClick) {
  const body = $(tableId).querySelector('tbody');
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      tr.append(...toCells(row));
      if (onClick) {
        tr.className = 'link';
        tr.addEventListener('click', () => onClick(row));
      }
      return tr;
    }),
  );
}

function show(section) {
  $('sign-in').hidden = section !== 'sign-in';
  $('overview').hidden = section !== 'overview';
  $('sign-out').hidden = section !== 'overview';
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

function daysBefore(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * 86400000).toISOString().slice(0, 10);
}

function chart(target, days, series) {
  const el = $(target);
  el.replaceChildren();
  const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  const opts = {
    width: Math.max(320, el.clientWidth || 480),
    height: 200,
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true }))],
    axes: [{}, {}],
  };
  state.charts.push(new uPlot(opts, [xs, ...series.map((s) => days.map(s.value))], el));
}

function overviewQuery() {
  const params = new URLSearchParams({ from: $('from').value, to: $('to').value, scope: $('scope').value });
  if ($('scope').value === 'organization' && $('project').value) params.set('project', $('project').value);
  return params;
}

async function loadOverview() {
  $('overview-error').textContent = '';
  let data;
  try {
    data = await api(`/v1/analytics/overview?${overviewQuery()}`);
  } catch (err) {
    $('overview-error').textContent = err.message;
    return;
  }
  const t = data.totals;
  $('kpi-searches').textContent = fmt.int(t.searches);
  $('kpi-zero').textContent = fmt.pct(t.zero_result_rate);
  $('kpi-p50').textContent = fmt.ms(t.latency_ms_p50);
  $('kpi-p95').textContent = fmt.ms(t.latency_ms_p95);
  $('kpi-feedback').textContent = fmt.pct(t.feedback_rate);
  $('kpi-stored').textContent = fmt.int(t.memories_stored);
  $('kpi-never').textContent = fmt.int(t.memories_never_retrieved);

  const projects = $('project');
  if ($('scope').value === 'organization' && projects.options.length === 1) {
    for (const p of data.projects) projects.add(new Option(p.name, p.id));
  }

  for (const c of state.charts) c.destroy();
  state.charts = [];
  chart('chart-searches', data.days, [{ label: 'searches', color: '#3b6fd8', value: (d) => d.searches }]);
  chart('chart-latency', data.days, [
    { label: 'p50', color: '#2a9d6f', value: (d) => d.latency_ms_p50 },
    { label: 'p95', color: '#d8703b', value: (d) => d.latency_ms_p95 },
  ]);
  chart('chart-growth', data.days, [{ label: 'stored', color: '#7a4bd8', value: (d) => d.memories_stored }]);

  fill('top-queries', data.top_queries, (q) => [
    cell(q.query),
    cell(fmt.int(q.count), 'num'),
    cell(fmt.int(q.zero_results), 'num'),
    cell(String(q.latency_ms_max), 'num'),
  ]);
  fill(
    'slowest',
    data.slowest,
    (s) => [
      cell(s.query),
      cell(String(s.latency_ms), 'num'),
      cell(fmt.int(s.result_count), 'num'),
      cell(fmt.when(s.created_at)),
    ],
    (s) => explore(s.search_id, s.tenant_id),
  );
  fill('most-retrieved', data.most_retrieved, (m) => [
    cell(m.content ?? `${m.memory_id} (deleted)`),
    cell(fmt.int(m.count), 'num'),
  ]);
  fill('usage', data.usage ? data.usage.quotas : [], (q) => [
    cell(q.metric.replaceAll('_', ' ')),
    cell(fmt.int(q.used), 'num'),
    cell(q.limit === null ? 'unlimited' : fmt.int(q.limit), 'num'),
  ]);
  const w = data.webhooks;
  $('webhook-summary').textContent =
    `${fmt.int(w.failed)} failed, ${fmt.int(w.retrying)} retrying, of ${fmt.int(w.deliveries)} recent deliveries`;
  fill('webhook-failures', w.recent_failures, (f) => [
    cell(f.event),
    cell(f.url),
    cell(fmt.int(f.attempts), 'num'),
    cell(f.last_error ?? String(f.last_status_code ?? '')),
  ]);
}

async function loadSearches(more) {
  const params = new URLSearchParams({ limit: '20' });
  if ($('user-filter').value) params.set('user_id', $('user-filter').value);
  if (more && state.searchesCursor) params.set('cursor', state.searchesCursor);
  const page = await api(`/v1/logs/queries?${params}`);
  fill(
    'searches',
    page.data,
    (q) => [
      cell(fmt.when(q.created_at)),
      cell(q.query),
      cell(q.user_id ?? ''),
      cell(fmt.int(q.result_count), 'num'),
      cell(String(q.latency_ms), 'num'),
    ],
    (q) => explore(q.id),
  );
  state.searchesCursor = page.next_cursor;
  $('more-searches').hidden = !page.next_cursor;
}

async function explore(searchId, projectId) {
  const params = projectId ? `?${new URLSearchParams({ project: projectId })}` : '';
  const data = await api(`/v1/analytics/searches/${encodeURIComponent(searchId)}${params}`);
  $('explorer').hidden = false;
  $('explorer-id').textContent = data.search.id;
  $('explorer-query').textContent =
    `“${data.search.query}” · ${data.search.latency_ms} ms · ${data.search.result_count} results · ${fmt.when(data.search.created_at)}`;
  const signal = (v) => (v === null || v === undefined ? '' : Number(v).toFixed(3));
  fill('explorer-results', data.results, (r) => [
    cell(String(r.rank), 'num'),
    cell(signal(r.score), 'num'),
    cell(signal(r.signals.vector), 'num'),
    cell(signal(r.signals.text), 'num'),
    cell(signal(r.signals.graph), 'num'),
    cell(signal(r.signals.context), 'num'),
    cell(r.feedback.join(', ')),
    cell(r.memory ? r.memory.content : `${r.memory_id} (deleted)`),
  ]);
  drawGraph(data.results);
  $('explorer').scrollIntoView();
}

// A two-column graph: the results on the left, the entities they mention on the right, a line
// for each mention; an entity several results share is where they meet.
function drawGraph(results) {
  const NS = 'http://www.w3.org/2000/svg';
  const entities = [...new Map(results.flatMap((r) => r.entities).map((e) => [e.id, e])).values()];
  const rowHeight = 26;
  const height = Math.max(results.length, entities.length, 1) * rowHeight + 10;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('width', '900');
  svg.setAttribute('height', String(height));
  const y = (i) => 18 + i * rowHeight;
  const add = (tag, attrs, text) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    svg.append(el);
    return el;
  };
  const column = new Map(entities.map((e, i) => [e.id, i]));
  results.forEach((r, i) => {
    for (const e of r.entities)
      add('line', { x1: 330, y1: y(i) - 4, x2: 560, y2: y(column.get(e.id)) - 4, stroke: '#9aa7bd' });
  });
  results.forEach((r, i) => {
    const label = `${r.rank}. ${(r.memory ? r.memory.content : r.memory_id).slice(0, 48)}`;
    add('text', { x: 0, y: y(i), 'font-size': 12, class: 'graph-memory' }, label);
  });
  entities.forEach((e, i) => {
    add('circle', {
      cx: 566,
      cy: y(i) - 4,
      r: 5,
      fill: e.kind === 'person' ? '#3b6fd8' : e.kind === 'place' ? '#2a9d6f' : '#d8703b',
    });
    add('text', { x: 576, y: y(i), 'font-size': 12, class: 'graph-entity' }, `${e.name} (${e.kind})`);
  });
  const figure = $('explorer-graph');
  figure.querySelector('svg')?.remove();
  figure.append(svg);
}

async function signedIn(who) {
  $('who').textContent = `project ${who.project_id}${who.role ? ` · ${who.role}` : ''}`;
  show('overview');
  await Promise.all([loadOverview(), loadSearches(false)]);
}

async function start() {
  $('to').value = today();
  $('from').value = daysBefore(today(), 29);
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('sign-in-error').textContent = '';
    try {
      await api('/dashboard/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: $('key').value }),
      });
      $('key').value = '';
      await signedIn(await api('/dashboard/session'));
    } catch (err) {
      $('sign-in-error').textContent = err.message;
    }
  });
  $('sign-out').addEventListener('click', async () => {
    await api('/dashboard/session', { method: 'DELETE' });
    show('sign-in');
  });
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    $('project-filter').hidden = $('scope').value !== 'organization';
    loadOverview();
  });
  $('search-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    loadSearches(false);
  });
  $('more-searches').addEventListener('click', () => loadSearches(true));
  const session = await api('/dashboard/session');
  if (session.signed_in) await signedIn(session);
  else show('sign-in');
}

start();
