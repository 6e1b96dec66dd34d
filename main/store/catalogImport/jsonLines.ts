/**
 * Where values start in a JSON catalogue, for error messages: the line of each top-level section
 * (`settings`) and of each element of a top-level array (`items[12]`). One pass over text that
 * JSON.parse has already accepted; element lines are kept per section in a typed array, so a
 * million items cost 4 MB.
 */
export class JsonLineIndex {
  readonly #sections = new Map<string, number>();
  readonly #elements = new Map<string, Int32Array>();

  constructor(text: string) {
    this.#scan(text);
  }

  /** The line of `section` itself, or of its element `index`. */
  lineOf(section: string, index?: number): number | undefined {
    if (index === undefined) return this.#sections.get(section);
    const lines = this.#elements.get(section);
    const line = lines && index < lines.length ? lines[index] : undefined;
    return line ? line : undefined;
  }

  #scan(text: string): void {
    const stack: { array: boolean; index: number; expectingKey: boolean }[] = [];
    let line = 1;
    let section = '';
    let lines = new Int32Array(1024);
    const grow = (index: number) => {
      if (index < lines.length) return;
      const bigger = new Int32Array(Math.max(lines.length * 2, index + 1));
      bigger.set(lines);
      lines = bigger;
    };
    const valueStarts = () => {
      const top = stack[stack.length - 1];
      if (stack.length === 1 && top && !top.array) this.#sections.set(section, line);
      if (stack.length === 2 && top?.array && !stack[0]?.array) {
        grow(top.index);
        lines[top.index] = line;
      }
    };
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      if (char === 0x0a) {
        line++;
      } else if (char === 0x22) {
        const start = i;
        for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
        const top = stack[stack.length - 1];
        if (top && !top.array && top.expectingKey) {
          top.expectingKey = false;
          if (stack.length === 1) section = JSON.parse(text.slice(start, i + 1)) as string;
        } else {
          valueStarts();
        }
      } else if (char === 0x7b || char === 0x5b) {
        valueStarts();
        if (stack.length === 1 && char === 0x5b) lines = new Int32Array(1024);
        stack.push({ array: char === 0x5b, index: 0, expectingKey: char === 0x7b });
      } else if (char === 0x7d || char === 0x5d) {
        const closed = stack.pop();
        if (stack.length === 1 && closed?.array) this.#elements.set(section, lines.subarray(0, closed.index + 1));
      } else if (char === 0x2c) {
        const top = stack[stack.length - 1];
        if (top?.array) top.index++;
        else if (top) top.expectingKey = true;
      } else if (char !== 0x20 && char !== 0x09 && char !== 0x0d && char !== 0x3a) {
        // A number, true, false or null: note where it starts, then skip to its end.
        valueStarts();
        while (i + 1 < text.length && !',]}\n \t\r'.includes(text[i + 1] ?? '')) i++;
      }
    }
  }
}

/** The line a character offset is on (for JSON.parse's "at position N"). */
export function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 0x0a) line++;
  return line;
}
