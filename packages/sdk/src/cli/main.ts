#!/usr/bin/env node
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EngramClient } from '../client';
import { EngramApiError } from '../errors';
import { importFile } from './import';

const USAGE = `engram: the command line of Engram's API

Usage: engram <command> [arguments] [options]

Memories
  add <content>            --user, --session, --agent, --namespace, --tag (repeatable), --metadata JSON
  search <query>           --user, --namespace, --limit N
  get <id>
  delete <id>
  forget --user U          delete every memory of one user
  import <file>            JSONL (Engram's export or memory inputs), CSV (header with content),
                           mem0's export (.json); --format jsonl|csv|mem0, --user for records
                           without one, --batch-size N (default 50), --in-flight N batches
                           (default 4), --restart; resumes after an interruption without
                           duplicates
  export                   every memory as NDJSON (re-importable); --user, --output FILE

Operations
  logs queries|retrievals  --limit N (default 20), --search-id ID (retrievals)
  keys list|create|revoke  --project P, --name N (create), --key-id K (revoke); cloud admin API
  status

Options
  --url URL       server (or ENGRAM_URL, or "url" in the config file; default http://localhost:8080)
  --key KEY       API key (or ENGRAM_API_KEY, or "api_key" in the config file)
  --config FILE   JSON config file (default $ENGRAM_CONFIG or ~/.config/engram/config.json)
  --json          machine-readable output on stdout
  --no-progress   no progress line on stderr
`;

const options = {
  url: { type: 'string' },
  key: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  user: { type: 'string' },
  session: { type: 'string' },
  agent: { type: 'string' },
  namespace: { type: 'string' },
  tag: { type: 'string', multiple: true },
  metadata: { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string' },
  'batch-size': { type: 'string' },
  'in-flight': { type: 'string' },
  restart: { type: 'boolean', default: false },
  output: { type: 'string', short: 'o' },
  project: { type: 'string' },
  name: { type: 'string' },
  'key-id': { type: 'string' },
  'search-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

class UsageError extends Error {}

/** Flags, then the environment, then the config file. */
function clientFrom(flags: Flags): EngramClient {
  const configFile =
    flags.config ?? process.env.ENGRAM_CONFIG ?? path.join(homedir(), '.config', 'engram', 'config.json');
  const config = existsSync(configFile)
    ? (JSON.parse(readFileSync(configFile, 'utf8')) as { url?: string; api_key?: string })
    : {};
  return new EngramClient({
    url: flags.url || process.env.ENGRAM_URL || config.url,
    apiKey: flags.key || process.env.ENGRAM_API_KEY || config.api_key,
  });
}

const integer = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} takes a positive integer`);
  return Number(value);
};

const need = (value: string | undefined, what: string): string => {
  if (!value) throw new UsageError(`${what} is required`);
  return value;
};

function print(flags: Flags, value: unknown, human: () => string): void {
  process.stdout.write(`${flags.json ? JSON.stringify(value) : human()}\n`);
}

async function run(argv: string[]): Promise<void> {
  const { values: flags, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const [command, ...args] = positionals;
  if (flags.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  const client = clientFrom(flags);
  switch (command) {
    case 'add': {
      const memory = await client.add({
        content: need(args.join(' '), 'content'),
        ...(flags.user && { user_id: flags.user }),
        ...(flags.session && { session_id: flags.session }),
        ...(flags.agent && { agent_id: flags.agent }),
        ...(flags.namespace && { namespace: flags.namespace }),
        ...(flags.tag && { tags: flags.tag }),
        ...(flags.metadata && { metadata: JSON.parse(flags.metadata) }),
      });
      return print(flags, memory, () => `${memory.deduplicated ? 'exists' : 'added'} ${memory.id}`);
    }
    case 'search': {
      const response = await client.search({
        query: need(args.join(' '), 'query'),
        ...(flags.user && { user_id: flags.user }),
        ...(flags.namespace && { namespace: flags.namespace }),
        limit: integer(flags.limit, 'limit', 10),
      });
      return print(flags, response, () =>
        response.results.map((r) => `${r.score.toFixed(3)}  ${r.memory.id}  ${r.memory.content}`).join('\n'),
      );
    }
    case 'get': {
      const memory = await client.get(need(args[0], 'id'));
      return print(flags, memory, () => JSON.stringify(memory, null, 2));
    }
    case 'delete': {
      const result = await client.delete(need(args[0], 'id'));
      return print(flags, result, () => `deleted ${result.id}`);
    }
    case 'forget': {
      const result = await client.forgetUser(need(flags.user, '--user'));
      return print(flags, result, () => `deleted ${result.deleted} memories of ${flags.user}`);
    }
    case 'import': {
      const summary = await importFile(client, need(args[0], 'file'), {
        format: flags.format,
        userId: flags.user,
        batchSize: integer(flags['batch-size'], 'batch-size', 50),
        inFlight: integer(flags['in-flight'], 'in-flight', 4),
        progress: !flags['no-progress'],
        restart: flags.restart,
      });
      return print(
        flags,
        summary,
        () =>
          `imported ${summary.imported} of ${summary.records} records in ${summary.seconds} s` +
          (summary.resumed_from ? ` (resumed at ${summary.resumed_from})` : '') +
          (summary.failed
            ? `; ${summary.failed} failed, e.g. record ${summary.errors[0]?.record}: ${summary.errors[0]?.message}`
            : ''),
      );
    }
    case 'export': {
      const out = flags.output ? createWriteStream(flags.output) : process.stdout;
      let count = 0;
      for await (const memory of client.listAll({
        ...(flags.user && { user_id: flags.user }),
        limit: 1000,
      })) {
        if (!out.write(`${JSON.stringify(memory)}\n`))
          await new Promise<void>((r) => out.once('drain', () => r()));
        count++;
      }
      if (flags.output) {
        await new Promise((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
        print(
          flags,
          { exported: count, file: flags.output },
          () => `exported ${count} memories to ${flags.output}`,
        );
      }
      return;
    }
    case 'logs': {
      const kind = need(args[0], 'queries or retrievals');
      const limit = integer(flags.limit, 'limit', 20);
      const source =
        kind === 'queries'
          ? client.queryLogs({ limit: Math.min(limit, 1000) })
          : kind === 'retrievals'
            ? client.retrievalLogs({
                limit: Math.min(limit, 1000),
                ...(flags['search-id'] && { search_id: flags['search-id'] }),
              })
            : null;
      if (!source) throw new UsageError('logs takes queries or retrievals');
      const rows: unknown[] = [];
      for await (const row of source) {
        rows.push(row);
        if (rows.length >= limit) break;
      }
      return print(flags, rows, () => rows.map((r) => JSON.stringify(r)).join('\n'));
    }
    case 'keys': {
      const project = encodeURIComponent(need(flags.project, '--project'));
      const action = args[0] ?? 'list';
      const result =
        action === 'list'
          ? await client.request('GET', `/v1/admin/projects/${project}/keys`)
          : action === 'create'
            ? await client.request('POST', `/v1/admin/projects/${project}/keys`, {
                body: { name: need(flags.name, '--name') },
              })
            : action === 'revoke'
              ? await client.request(
                  'DELETE',
                  `/v1/admin/projects/${project}/keys/${encodeURIComponent(need(flags['key-id'], '--key-id'))}`,
                )
              : null;
      if (result === null) throw new UsageError('keys takes list, create or revoke');
      return print(flags, result, () => JSON.stringify(result, null, 2));
    }
    case 'status': {
      const status = await client.status();
      return print(flags, status, () =>
        [
          `${status.status} (${status.edition})`,
          ...Object.entries(status.components).map(([name, c]) => `  ${name}: ${c.status}`),
        ].join('\n'),
      );
    }
    default:
      throw new UsageError(`unknown command ${command}; engram --help lists them`);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof EngramApiError) {
    const fields = err.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    process.stderr.write(`engram: ${err.message}${fields ? ` (${fields})` : ''}\n`);
    if (err.status === 404 && err.code === 'not_found' && process.argv[2] === 'keys') {
      process.stderr.write(
        'engram: key management is the cloud admin API; an OSS server reads ENGRAM_API_KEYS\n',
      );
    }
  } else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`engram: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  } else {
    process.stderr.write(`engram: ${(err as Error).message}\n`);
  }
  process.exitCode = 1;
});
