// $(VAR) references as Kubernetes expands them in env values, command, args and subPathExpr
// (k8s.io/kubernetes third_party/forked/golang/expansion): `$$` is a literal `$`, an unknown or
// unclosed reference is left as written, and a `$` before anything else is kept.

/** Looks a name up; returns the replacement text. */
export type Mapping = (name: string) => string;

/**
 * A mapping over several maps, the first holding the name winning; a name found in none expands to
 * the reference itself, `$(NAME)`, so unknown references survive unchanged.
 */
export function mappingFor(...contexts: ReadonlyMap<string, string>[]): Mapping {
  return (name) => {
    for (const vars of contexts) {
      const value = vars.get(name);
      if (value !== undefined) return value;
    }
    return `$(${name})`;
  };
}

/** Expands every `$(NAME)` in `input` through `mapping`. */
export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    if (next === '$') {
      // Escaped operator: one literal `$`.
      out += '$';
      cursor += 1;
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close === -1) {
        // Unclosed: keep `$(` and carry on after it, as upstream does.
        out += '$(';
        cursor += 1;
      } else {
        out += mapping(input.slice(cursor + 2, close));
        cursor = close;
      }
    } else {
      out += '$' + next;
      cursor += 1;
    }
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
