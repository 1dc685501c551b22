// Markdown tables for bench/direct.mjs and its sections (run alone).

export function fmt(v) {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v !== 'number') return String(v ?? '');
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(1);
  return v.toFixed(Math.abs(v) >= 100 ? 0 : 2);
}

/** A markdown table over the union of the rows' keys (in first-seen order). */
export function table(rows) {
  const cols = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const lines = [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${cols.map((c) => fmt(r[c])).join(' | ')} |`);
  return lines.join('\n');
}

/** Prints a section's result: title, table, notes. */
export function printSection(result) {
  console.log(`## ${result.title}\n`);
  console.log(table(result.rows));
  for (const n of result.notes ?? []) console.log(`- ${n}`);
  console.log('');
}
