// Glob-style matching with Redis's rules (KEYS, SCAN MATCH, PSUBSCRIBE,
// CONFIG GET): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x` escapes.

export function globMatch(pattern: string, s: string, nocase = false): boolean {
  if (pattern === "*") return true;
  return match(pattern, 0, s, 0, nocase, { steps: 0 });
}

function lower(c: string, nocase: boolean): string {
  return nocase ? c.toLowerCase() : c;
}

function match(
  p: string,
  pi: number,
  s: string,
  si: number,
  nocase: boolean,
  budget: { steps: number },
): boolean {
  const plen = p.length, slen = s.length;
  while (pi < plen) {
    if (++budget.steps > 1_000_000) return false; // pathological patterns
    const c = p[pi];
    switch (c) {
      case "*": {
        while (pi + 1 < plen && p[pi + 1] === "*") pi++;
        if (pi + 1 === plen) return true;
        for (let k = si; k <= slen; k++) {
          if (match(p, pi + 1, s, k, nocase, budget)) return true;
          if (budget.steps > 1_000_000) return false;
        }
        return false;
      }
      case "?":
        if (si >= slen) return false;
        si++;
        break;
      case "[": {
        pi++;
        const not = p[pi] === "^";
        if (not) pi++;
        let matched = false;
        for (;;) {
          if (pi >= plen) {
            pi--; // unterminated class: treat as ending here
            break;
          }
          if (p[pi] === "\\" && pi + 1 < plen) {
            pi++;
            if (si < slen && p[pi] === s[si]) matched = true;
          } else if (p[pi] === "]") {
            break;
          } else if (pi + 2 < plen && p[pi + 1] === "-") {
            let start = p.charCodeAt(pi), end = p.charCodeAt(pi + 2);
            if (start > end) [start, end] = [end, start];
            if (si < slen) {
              let ch = s.charCodeAt(si);
              if (nocase) {
                start = lower(String.fromCharCode(start), true).charCodeAt(0);
                end = lower(String.fromCharCode(end), true).charCodeAt(0);
                ch = lower(s[si], true).charCodeAt(0);
              }
              if (ch >= start && ch <= end) matched = true;
            }
            pi += 2;
          } else if (si < slen && lower(p[pi], nocase) === lower(s[si], nocase)) {
            matched = true;
          }
          pi++;
        }
        if (not) matched = !matched;
        if (!matched || si >= slen) return false;
        si++;
        break;
      }
      case "\\":
        if (pi + 1 < plen) pi++;
        if (si >= slen || lower(p[pi], nocase) !== lower(s[si], nocase)) return false;
        si++;
        break;
      default:
        if (si >= slen || lower(c, nocase) !== lower(s[si], nocase)) return false;
        si++;
    }
    pi++;
  }
  return si === slen;
}
