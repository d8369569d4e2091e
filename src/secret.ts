// A value that must never be printed: logs, reports, diffs and errors see `***`.
// The only way to the real value is `reveal()`, called where a file for the router is rendered.
const hidden = new WeakMap<Secret, string>();

export class Secret {
  constructor(value: string, readonly source: string) {
    hidden.set(this, value);
  }

  reveal(): string {
    return hidden.get(this) ?? '';
  }

  toString(): string {
    return '***';
  }

  toJSON(): string {
    return '***';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.source})`;
  }
}

export const MASK = '***';
