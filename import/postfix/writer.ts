// The imported policy as it is written: each line remembers the Postfix setting it came
// from, so that lint's findings on the policy can be shown at that setting, and a line that
// maps only approximately carries a comment that says what differs.
import type { PostfixPosition } from './positions.js';

export interface Approximation {
  /** 1-based line of the policy. */
  line: number;
  note: string;
  origin: PostfixPosition | null;
}

export class PolicyWriter {
  readonly lines: string[] = [];
  readonly origins: Array<PostfixPosition | null> = [];
  readonly approximations: Approximation[] = [];
  #indent = 0;

  line(text: string, origin: PostfixPosition | null, approximate?: string): void {
    const prefix = '  '.repeat(this.#indent);
    if (approximate !== undefined) {
      const note = approximate.replace(/\s+/g, ' ');
      this.approximations.push({ line: this.lines.length + 1, note, origin });
      this.lines.push(`${prefix}${text} # approximate: ${note}`);
    } else this.lines.push(`${prefix}${text}`);
    this.origins.push(origin);
  }

  comment(text: string, origin: PostfixPosition | null = null): void {
    this.line(`# ${text.replace(/\s+/g, ' ')}`, origin);
  }

  blank(): void {
    this.lines.push('');
    this.origins.push(null);
  }

  block(opening: string, origin: PostfixPosition | null, body: () => void, approximate?: string): void {
    this.open(opening, origin, approximate);
    body();
    this.close(origin);
  }

  /** Opens a block whose body is written by the caller (async bodies), closed by close(). */
  open(opening: string, origin: PostfixPosition | null, approximate?: string): void {
    this.line(`${opening} {`, origin, approximate);
    this.#indent++;
  }

  close(origin: PostfixPosition | null): void {
    this.#indent--;
    this.line('}', origin);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
