import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../../..');
const rules = path.join(root, 'docker/prometheus/engram-rules.yml');

/** promtool (Debian's prometheus package, installed by scripts/services.sh) checks and runs the SLO rules. */
describe('SLO rules for Prometheus', () => {
  it('pass promtool check rules', () => {
    expect(execFileSync('promtool', ['check', 'rules', rules], { encoding: 'utf8' })).toMatch(
      /SUCCESS: \d+ rules found/,
    );
  });

  it('fire as their unit tests expect (promtool test rules)', () => {
    const out = execFileSync(
      'promtool',
      ['test', 'rules', path.join(root, 'docker/prometheus/engram-rules.test.yml')],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toMatch(/SUCCESS/);
  });

  it('hold the same targets as the plans in config/cloud.yaml', () => {
    const catalog = parse(readFileSync(path.join(root, 'config/cloud.yaml'), 'utf8')).plans.catalog as Record<
      string,
      { slo: { availability: number; search_p95_ms: number } }
    >;
    const groups = parse(readFileSync(rules, 'utf8')).groups as {
      rules: { record?: string; expr: string; labels?: { tier: string } }[];
    }[];
    const constant = (record: string, tier: string) =>
      Number(
        /vector\(([\d.]+)\)/.exec(
          groups.flatMap((g) => g.rules).find((r) => r.record === record && r.labels?.tier === tier)?.expr ??
            '',
        )?.[1],
      );
    for (const [tier, { slo }] of Object.entries(catalog)) {
      expect({ tier, budget: constant('engram:slo_error_budget', tier) }).toEqual({
        tier,
        budget: Number((1 - slo.availability).toFixed(6)),
      });
      expect(constant('engram:slo_search_p95_seconds', tier)).toBe(slo.search_p95_ms / 1000);
    }
  });
});
