/**
 * What is wrong with a catalogue file, said so store IT can find it: the line (CSV row, or the
 * line where a JSON value starts), the JSON path, the CSV column or entity field, and a message.
 */
export interface ImportProblem {
  readonly line?: number;
  readonly path?: string;
  readonly field?: string;
  readonly message: string;
}

/** At most this many errors are listed; the rest are only counted (a wrong file can have a million). */
export const maxListedProblems = 100;

/** Problems of one kind (errors or warnings): the first `limit` kept, every one counted. */
export class ProblemList {
  readonly #listed: ImportProblem[] = [];
  #count = 0;

  constructor(readonly limit = maxListedProblems) {}

  add(problem: ImportProblem): void {
    this.#count++;
    if (this.#listed.length < this.limit) this.#listed.push(problem);
  }

  get count(): number {
    return this.#count;
  }

  get listed(): readonly ImportProblem[] {
    return this.#listed;
  }

  /** How many were counted but not listed. */
  get more(): number {
    return this.#count - this.#listed.length;
  }
}

/** Problems in source order (by line, then as found), so the list reads like the file. */
export function sortedProblems(problems: readonly ImportProblem[]): ImportProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.line ?? 0) - (b.problem.line ?? 0) || a.index - b.index)
    .map(({ problem }) => problem);
}

/** "line 12, price: …" — one problem as a line of terminal output. */
export function describeProblem(problem: ImportProblem): string {
  const where = [problem.line !== undefined ? `line ${problem.line}` : undefined, problem.path, problem.path === undefined ? problem.field : undefined].filter(Boolean).join(', ');
  return where ? `${where}: ${problem.message}` : problem.message;
}
