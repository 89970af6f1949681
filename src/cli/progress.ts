/** A one-line progress bar, drawn only when the stream is a terminal. */
export class ProgressBar {
  private n = 0;
  private readonly started = Date.now();
  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  tick(label = ''): void {
    this.n++;
    if (!this.stream.isTTY) return;
    const width = 30;
    const frac = this.total ? this.n / this.total : 1;
    const filled = Math.round(frac * width);
    const rate = this.n / Math.max(0.001, (Date.now() - this.started) / 1000);
    this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.n}/${this.total} ${rate.toFixed(1)} docs/s ${label.slice(0, 30).padEnd(30)}`);
  }

  done(): void {
    if (this.stream.isTTY && this.n > 0) this.stream.write('\n');
  }
}
