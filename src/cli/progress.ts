/** A progress bar on a terminal; on a pipe or a log, a line every 10%. */
import type { WriteStream } from 'node:tty';

const WIDTH = 30;

export class ProgressBar {
  private done_ = 0;
  private lastDecile = -1;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream | WriteStream,
  ) {}

  tick(): void {
    this.done_++;
    const share = this.total === 0 ? 1 : this.done_ / this.total;
    if (this.out.isTTY) {
      const filled = Math.round(share * WIDTH);
      this.out.write(`\r[${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${this.done_}/${this.total}`);
    } else {
      const decile = Math.floor(share * 10);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.out.write(`${this.done_}/${this.total} (${decile * 10}%)\n`);
      }
    }
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
