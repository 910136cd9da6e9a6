/** The CLI's exit codes, fixed for operators' scripts. */
export const EXIT = {
  ok: 0,
  /** Something was rejected (enqueue: at least one URL refused). */
  rejected: 1,
  badUsage: 2,
  noArticle: 3,
  fetchFailed: 4,
} as const;

/** A failure the CLI reports as one line on stderr with its exit code. */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}
