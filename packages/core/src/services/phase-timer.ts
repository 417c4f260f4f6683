/**
 * Where one request's time went, phase by phase: search fills one per request, and the route
 * answers it as a `Server-Timing` header, so a developer sees it in the browser's network panel
 * and `pnpm bench` profiles searches from outside without a profiler attached.
 */
export class PhaseTimer {
  private readonly phases = new Map<string, number>();

  /** Runs `work`, adding its wall time to `phase` (a phase timed twice adds up). */
  async time<T>(phase: string, work: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - started);
    }
  }

  add(phase: string, ms: number): void {
    this.phases.set(phase, (this.phases.get(phase) ?? 0) + ms);
  }

  /** Milliseconds per phase, in the order the phases first ran. */
  entries(): [string, number][] {
    return [...this.phases.entries()];
  }

  /** The `Server-Timing` header value: `embed;dur=0.41, vector;dur=1.2, …`. */
  header(): string {
    return this.entries()
      .map(([phase, ms]) => `${phase};dur=${Math.round(ms * 100) / 100}`)
      .join(', ');
  }
}

/** Parses a `Server-Timing` header back into milliseconds per phase (what a client or the bench reads). */
export function parseServerTiming(header: string | null): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.map((p) => /^\s*dur=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name && dur !== undefined) phases[name] = Number(dur);
  }
  return phases;
}
