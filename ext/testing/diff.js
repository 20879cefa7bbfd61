// A line diff for assertion messages (ext:testing/diff.js): the longest common
// subsequence of two texts' lines, shown with "+ " for lines only in `actual`, "- " for
// lines only in `expected` and "  " for shared lines. Long runs of shared lines are
// shortened to their first and last lines around "...".

const MAX_CELLS = 4_000_000;  // beyond this the LCS table is skipped: all - then all +
const CONTEXT = 3;

function lcsTable(a, b) {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table = new Uint32Array(rows * columns);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * columns + j] = a[i] === b[j]
        ? table[(i + 1) * columns + j + 1] + 1
        : Math.max(table[(i + 1) * columns + j], table[i * columns + j + 1]);
    }
  }
  return { table, columns };
}

// [{ kind: ' ' | '+' | '-', line }] turning `expected` into `actual`.
export function diffLines(actual, expected) {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const edits = [];
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) {
    for (const line of b) edits.push({ kind: '-', line });
    for (const line of a) edits.push({ kind: '+', line });
    return edits;
  }
  const { table, columns } = lcsTable(a, b);
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      edits.push({ kind: ' ', line: a[i] });
      i++;
      j++;
    } else if (table[(i + 1) * columns + j] >= table[i * columns + j + 1]) {
      edits.push({ kind: '+', line: a[i++] });
    } else {
      edits.push({ kind: '-', line: b[j++] });
    }
  }
  while (i < a.length) edits.push({ kind: '+', line: a[i++] });
  while (j < b.length) edits.push({ kind: '-', line: b[j++] });
  return edits;
}

// The diff as text, with a legend line first.
export function formatDiff(actual, expected) {
  const edits = diffLines(actual, expected);
  const lines = ['+ actual - expected', ''];
  for (let k = 0; k < edits.length; k++) {
    const edit = edits[k];
    if (edit.kind === ' ') {
      let end = k;
      while (end < edits.length && edits[end].kind === ' ') end++;
      const run = end - k;
      if (run > 2 * CONTEXT + 1) {
        const head = k === 0 ? 0 : CONTEXT;
        const tail = end === edits.length ? 0 : CONTEXT;
        for (let m = k; m < k + head; m++) lines.push(`  ${edits[m].line}`);
        lines.push('...');
        for (let m = end - tail; m < end; m++) lines.push(`  ${edits[m].line}`);
        k = end - 1;
        continue;
      }
    }
    lines.push(`${edit.kind} ${edit.line}`);
  }
  return lines.join('\n');
}
