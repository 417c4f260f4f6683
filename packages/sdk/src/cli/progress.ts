/**
 * A progress line on stderr (stdout stays for results and --json). On a terminal it redraws in
 * place; elsewhere (CI logs, pipes) it prints a line every 10 percent.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDecile = -1;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
    /** Done before this run (a resumed import): left out of the rate. */
    private readonly startedAt = 0,
  ) {}

  update(done: number, note = ''): void {
    if (!this.enabled || this.total === 0) return;
    const fraction = Math.min(done / this.total, 1);
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? (done - this.startedAt) / seconds : 0;
    const eta = rate > 0 ? Math.ceil((this.total - done) / rate) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const text =
      `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} ` +
      `${Math.floor(fraction * 100)}% ${rate.toFixed(0)}/s ETA ${eta}s${note ? ` ${note}` : ''}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${text}\u001b[K`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`${text}\n`);
    }
  }

  finish(): void {
    if (this.enabled && this.stream.isTTY) this.stream.write('\n');
  }
}
