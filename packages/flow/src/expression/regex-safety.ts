/**
 * JSONata regexes are literals only, so checking them once at parse time covers every regex an
 * expression can run. A native regex cannot be interrupted by the evaluation hooks, so patterns that
 * may backtrack exponentially are refused up front.
 *
 * The check is the classic "star height" test: a group repeated by `*`, `+` or `{n,...}` that itself
 * contains such a quantifier (e.g. `(a+)+`, `(\w+\s?)*`). It does not catch every slow pattern
 * (overlapping alternations like `(a|a)*` remain), but it catches the common catastrophic ones.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = []; // per open group: does it contain a repeating quantifier?
  let inClass = false;
  let closedGroupRepeats = false; // the atom just before the cursor is a group that contains a quantifier
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      closedGroupRepeats = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    const repeats = c === '*' || c === '+' || (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)));
    if (repeats) {
      if (closedGroupRepeats) return true;
      markOpenGroups(groups);
      continue;
    }
    if (c === '?') continue; // optional or lazy modifier: bounded, keeps the preceding atom
    closedGroupRepeats = false;
    if (c === '[') inClass = true;
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      const contained = groups.pop() ?? false;
      closedGroupRepeats = contained;
      if (contained) markOpenGroups(groups);
    }
  }
  return false;
}

function markOpenGroups(groups: boolean[]): void {
  if (groups.length > 0) groups[groups.length - 1] = true;
}
