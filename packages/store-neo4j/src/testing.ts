import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, restartable, startServerProcess } from '@engram/core/testing';

/** The launcher built by scripts/install-neo4j.sh (ENGRAM_NEO4J_HOME overrides). */
function launcherDir(): string {
  const dir = process.env.ENGRAM_NEO4J_HOME ?? path.resolve(__dirname, '../../../scripts/neo4j/target');
  if (!existsSync(path.join(dir, 'classes')) || !existsSync(path.join(dir, 'lib'))) {
    throw new Error(
      `the Neo4j test server is not built in ${dir}: run scripts/install-neo4j.sh (npm test does) or set NEO4J_URL`,
    );
  }
  return dir;
}

export interface TestNeo4j {
  url: string;
  user?: string;
  password?: string;
  stop(): Promise<void>;
  /** Stops the server (outage tests); `start` brings it back on the same port and data. */
  kill(): Promise<void>;
  /** kill -9 (chaos tests); `start` brings it back on the same port and data. */
  crash(): Promise<void>;
  start(): Promise<void>;
}

/**
 * A real Neo4j 5 for tests: NEO4J_URL (with NEO4J_USER / NEO4J_PASSWORD) when set, else the
 * official server libraries started by a small Java main with Bolt on a free loopback port.
 */
export async function startTestNeo4j(): Promise<TestNeo4j> {
  if (process.env.NEO4J_URL) {
    const refuse = async () => {
      throw new Error('cannot stop an external NEO4J_URL server');
    };
    return {
      url: process.env.NEO4J_URL,
      user: process.env.NEO4J_USER,
      password: process.env.NEO4J_PASSWORD,
      stop: async () => undefined,
      kill: refuse,
      crash: refuse,
      start: refuse,
    };
  }
  const dir = launcherDir();
  const port = await freePort();
  const data = mkdtempSync(path.join(tmpdir(), 'engram-neo4j-'));
  const launch = () =>
    startServerProcess({
      command: 'java',
      args: [
        '-Xmx768m',
        '-XX:+UseSerialGC',
        '-cp',
        `${dir}/classes:${dir}/lib/*`,
        'dev.engram.neo4j.TestServer',
        data,
        String(port),
      ],
      port,
      startTimeoutMs: 120_000,
      graceMs: 30_000,
    });
  const server = await restartable(launch);
  return { url: `bolt://127.0.0.1:${port}`, stop: server.kill, ...server };
}
