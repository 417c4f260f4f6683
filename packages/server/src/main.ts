import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { EngramError, type Provider } from '@engram/core';
import type { Logger } from 'pino';
import pino from 'pino';
import {
  createServer,
  describeSettings,
  type EngramServer,
  resolveSettings,
  type ServerOptions,
} from './server';
import type { BaseSettings } from './settings';

/**
 * How long a stop may take before the process exits anyway. A clean stop takes well under a
 * second; a backend that went away can hold a close for ever (a Redis client waits for a
 * reconnect that never comes), and a process that ignores SIGTERM is one an operator must
 * kill -9. Below the usual 30 s a supervisor grants before it does so itself.
 */
const STOP_DEADLINE_MS = 25_000;

/**
 * A server process: `--print-config` prints the effective settings (secrets redacted) and exits;
 * a role name (`worker`) runs that role of the composed plugins instead of the HTTP API;
 * otherwise it starts, prints one-time notices (generated keys), and on SIGTERM/SIGINT stops
 * taking requests, finishes or parks running jobs, flushes logs and exits.
 */
export async function runServer(
  manifest: Provider[],
  options: Omit<ServerOptions, 'logger'> & { name: string },
): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  try {
    if (process.argv.includes('--print-config')) {
      const settings = resolveSettings(manifest, process.env, options);
      process.stdout.write(`${JSON.stringify(describeSettings(settings), null, 2)}\n`);
      return;
    }
    const role = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
    const { values } = resolveSettings(manifest, process.env, options);
    const processes = role ? 1 : ((values as BaseSettings).ENGRAM_PROCESSES ?? 1);
    if (processes > 1 && cluster.isPrimary) return superviseProcesses(processes, logger, options.name);
    const engram = await createServer(manifest, process.env, { ...options, logger });
    if (role) return await runRole(engram, role, logger, options.name);
    const server = await engram.listen();
    const { port } = server.address() as AddressInfo;
    logger.info(
      {
        port,
        data_dir: engram.settings.dataDir,
        edition: engram.settings.edition,
        providers: engram.settings.providers,
      },
      `${options.name} is listening`,
    );
    for (const notice of engram.notices) process.stdout.write(`\n  ${notice}\n\n`);
    stopOnSignals(logger, STOP_DEADLINE_MS, async (signal) => {
      logger.info({ signal }, 'shutting down: finishing jobs and flushing logs');
      await engram.close();
    });
  } catch (err) {
    // One line naming what is wrong: a bad setting, a port in use, a store that cannot be reached.
    if (err instanceof EngramError) logger.fatal({ code: err.code }, err.message);
    else logger.fatal({ err }, `${options.name} failed to start`);
    process.exit(1);
  }
}

/**
 * `ENGRAM_PROCESSES` above 1: this process only supervises that many server processes, which
 * share the port (the kernel hands each connection to one of them) and the data. A search is
 * CPU work on one thread (SQLite answers synchronously), so one process per core is what lets
 * concurrent searches use every core. Everything they share is already safe across processes:
 * SQLite's WAL serialises writers and lets readers run, background jobs are claimed under a
 * lease, idempotency keys are claimed in the store, and each approximate index replays the
 * vector changes the others made. The first process starts alone (it migrates the file and
 * makes the first key), then the others; one that dies is replaced.
 */
async function superviseProcesses(count: number, logger: Logger, name: string): Promise<void> {
  let stopping = false;
  const first = cluster.fork();
  const started = await new Promise<boolean>((resolve) => {
    first.once('listening', () => resolve(true));
    first.once('exit', () => resolve(false));
  });
  if (!started) {
    logger.fatal(`${name} failed to start`);
    process.exit(1);
  }
  for (let i = 1; i < count; i++) cluster.fork();
  logger.info({ processes: count }, `${name}: ${count} processes serving`);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'a server process died; starting another');
    setTimeout(() => cluster.fork(), 1000).unref();
  });
  // Each process has its own deadline; this one outlasts theirs.
  stopOnSignals(logger, STOP_DEADLINE_MS + 5_000, async (signal) => {
    stopping = true;
    logger.info({ signal }, 'shutting down every server process');
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  });
}

/** Runs one role of the composed plugins until SIGTERM/SIGINT (or until it fails: exit 1). */
async function runRole(server: EngramServer, role: string, logger: Logger, name: string): Promise<void> {
  const run = server.roles[role];
  if (!run) {
    const offered = Object.keys(server.roles);
    await server.close();
    throw new EngramError(
      'config_invalid',
      `${name} has no "${role}" role with these settings` +
        (offered.length ? ` (roles: ${offered.join(', ')})` : ' (a worker needs TEMPORAL_ADDRESS)'),
    );
  }
  // Background jobs (webhook deliveries, recovery of the last writes) run here too.
  await server.engram.start();
  const handle = await run(server.engram, logger);
  logger.info(
    { role, data_dir: server.settings.dataDir, providers: server.settings.providers },
    `${name}: ${role} running`,
  );
  stopOnSignals(logger, STOP_DEADLINE_MS, async (signal) => {
    logger.info({ signal, role }, 'shutting down');
    await handle.stop();
    await server.close();
  });
  handle.done.catch((err: unknown) => {
    logger.fatal({ err, role }, `${role} stopped`);
    process.exit(1);
  });
}

/** On the first SIGTERM or SIGINT: `stop`, then exit 0 (1 if it failed or overran the deadline). */
function stopOnSignals(logger: Logger, deadlineMs: number, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      logger.error({ signal, deadline_ms: deadlineMs }, 'shutdown overran its deadline: exiting');
      process.exit(1);
    }, deadlineMs).unref();
    stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err, signal }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
