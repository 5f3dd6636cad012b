/**
 * A small builder for update and condition expressions: every attribute name goes through a
 * placeholder (`status`, `ttl`, `name` are DynamoDB reserved words), every value through `:vN`.
 */
export class Expr {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private nextValue = 0;

  /** Placeholder for an attribute name. */
  n(name: string): string {
    const key = `#${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    this.names[key] = name;
    return key;
  }

  /** Placeholder for a value. */
  v(value: unknown): string {
    const key = `:v${this.nextValue++}`;
    this.values[key] = value;
    return key;
  }

  /** `SET a = :x, ... REMOVE b ... ADD c :y` from plain maps; `undefined` values are skipped. */
  update(parts: {
    set?: Record<string, unknown>;
    /** Raw `SET` clauses, e.g. `#x = if_not_exists(#x, :v1)`. */
    setRaw?: readonly string[];
    remove?: readonly string[];
    add?: Record<string, number>;
  }): string {
    const set = Object.entries(parts.set ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${this.n(name)} = ${this.v(value)}`)
      .concat(parts.setRaw ?? []);
    const remove = (parts.remove ?? []).map((name) => this.n(name));
    const add = Object.entries(parts.add ?? {}).map(([name, value]) => `${this.n(name)} ${this.v(value)}`);
    return [
      set.length > 0 ? `SET ${set.join(', ')}` : '',
      remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
      add.length > 0 ? `ADD ${add.join(', ')}` : '',
    ]
      .filter((s) => s !== '')
      .join(' ');
  }

  /** The attribute maps for a command; omitted when empty (DynamoDB rejects empty maps). */
  attributes(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
