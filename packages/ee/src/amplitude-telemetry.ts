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

  constructor(options: AmplitudeOptions) {
    this.client.init(options.apiKey, {
      serverUrl: options.serverUrl,
      flushIntervalMillis: options.flushIntervalMillis ?? 10_000,
      logLevel: 0,
    });
  }

  capture(event: string, properties: TelemetryProperties, principal?: Principal): void {
    try {
      this.client.track(
        event,
        { ...properties, project_id: principal?.tenant_id ?? null },
        {
          user_id: principal ? (principal.user_id ?? principal.subject) : undefined,
          device_id: principal ? undefined : 'engram-server',
        },
      );
    } catch {
      // telemetry must never affect the caller
    }
  }

  async shutdown(): Promise<void> {
    await this.client.flush().promise.catch(() => undefined);
  }
}
