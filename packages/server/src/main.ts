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
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing jobs and flushing logs');
      await engram.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  } catch (err) {
    // One line naming what is wrong: a bad setting, a port in use, a store that cannot be reached.
    if (err instanceof EngramError) logger.fatal({ code: err.code }, err.message);
    else logger.fatal({ err }, `${options.name} failed to start`);
    process.exit(1);
  }
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
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, role }, 'shutting down');
    await handle.stop();
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  handle.done.catch((err: unknown) => {
    logger.fatal({ err, role }, `${role} stopped`);
    process.exit(1);
  });
}
