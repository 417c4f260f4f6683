import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DOCKER = path.resolve(__dirname, '../../../docker');

/** Runs Debian's docker-compose (1.29, which validates and prints without an engine). */
function compose(files: string[], ...args: string[]): string {
  return execFileSync(
    'docker-compose',
    [...files.flatMap((f) => ['-f', path.join(DOCKER, f)]), 'config', ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, ENGRAM_API_KEYS: '' },
    },
  );
}

const lines = (text: string) => text.trim().split('\n').sort();

// No Docker engine runs here; these check both stacks the way `docker compose up` reads them.
describe('docker compose stacks', () => {
  const oss = ['docker-compose.yml'];
  const cloud = ['docker-compose.yml', 'docker-compose.cloud.yml'];

  it('are valid Compose files', () => {
    expect(() => compose(oss, '-q')).not.toThrow();
    expect(() => compose(cloud, '-q')).not.toThrow();
  });

  it('run the OSS server on MongoDB, Neo4j, Qdrant and Redis, each with a health check and a volume', () => {
    expect(lines(compose(oss, '--services'))).toEqual(['engram', 'mongodb', 'neo4j', 'qdrant', 'redis']);
    expect(lines(compose(oss, '--volumes'))).toEqual([
      'engram-data',
      'mongodb-data',
      'neo4j-data',
      'qdrant-data',
      'redis-data',
    ]);
    const config = compose(oss);
    expect(config.match(/^ {4}healthcheck:$/gm)).toHaveLength(5);
    for (const url of [
      'mongodb://mongodb:27017',
      'bolt://neo4j:7687',
      'http://qdrant:6333',
      'redis://redis:6379',
    ]) {
      expect(config).toContain(url);
    }
    expect(config).toMatch(/condition: service_healthy/);
  });

  it('add Temporal, the cloud server and a worker for the cloud edition', () => {
    expect(lines(compose(cloud, '--services'))).toEqual([
      'engram',
      'engram-worker',
      'mongodb',
      'neo4j',
      'qdrant',
      'redis',
      'temporal',
    ]);
    const config = compose(cloud);
    expect(config).toContain('APP: cloud-server');
    expect(config).toContain('ENGRAM_EDITION: cloud');
    expect(config).toContain('TEMPORAL_ADDRESS: temporal:7233');
    // The worker service runs the worker role (Temporal activities), not a second API server.
    expect(config).toMatch(
      /\n {2}engram-worker:\n {4}command:\n {4}- node\n {4}- dist\/main\.js\n {4}- worker\n/,
    );
  });

  it('builds an image whose data volume the unprivileged user owns', () => {
    const dockerfile = readFileSync(path.join(DOCKER, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    const owned = runtime.indexOf('chown node:node /data');
    expect(owned).toBeGreaterThan(-1);
    // Made and owned before it is declared a volume and before the server drops to `node`.
    expect(owned).toBeLessThan(runtime.indexOf('VOLUME ["/data"]'));
    expect(runtime.indexOf('VOLUME ["/data"]')).toBeLessThan(runtime.indexOf('USER node'));
  });
});
