import { createInstance } from '@amplitude/analytics-node';
import type { Principal, TelemetryProperties, TelemetrySink } from '@engram/core';

export interface AmplitudeOptions {
  apiKey: string;
  /** Amplitude's HTTP API URL; tests point it at a capture server on loopback. */
  serverUrl?: string;
  flushIntervalMillis?: number;
}

/**
 * Identified product telemetry for the cloud: events carry the developer (key or SSO subject)
 * and the project, so the company can see who uses what. Content, queries and keys are still
 * never sent: core only ever passes counts and latencies.
 */
export class AmplitudeTelemetry implements TelemetrySink {
  private readonly client = createInstance();
  /** Events not yet sent: tracking runs through an async plugin pipeline before it is queued. */
  private readonly unsent = new Set<Promise<unknown>>();

  constructor(options: AmplitudeOptions) {
    this.client.init(options.apiKey, {
      serverUrl: options.serverUrl,
      flushIntervalMillis: options.flushIntervalMillis ?? 10_000,
      logLevel: 0,
    });
  }

  capture(event: string, properties: TelemetryProperties, principal?: Principal): void {
    try {
      const { promise } = this.client.track(
        event,
        { ...properties, project_id: principal?.tenant_id ?? null },
        {
          user_id: principal ? (principal.user_id ?? principal.subject) : undefined,
          device_id: principal ? undefined : 'engram-server',
        },
      );
      const done = promise.catch(() => undefined).finally(() => this.unsent.delete(done));
      this.unsent.add(done);
    } catch {
      // telemetry must never affect the caller
    }
  }

  /** Flushes until every tracked event is sent (an event still in the pipeline misses one flush). */
  async shutdown(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      await this.client.flush().promise.catch(() => undefined);
      if (this.unsent.size === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
