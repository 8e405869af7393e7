// ctr's tables (`ctr images ls`, `ctr snapshots ls`): a header line of column names, then one row per
// line, columns separated by runs of spaces. Only leading columns whose values never hold spaces may be
// read by position; an empty cell (a snapshot without PARENT) shifts what follows it.

/** The header's column names and each row split into cells; [] when the output is empty. */
export function ctrTable(
  output: string,
  what: string,
  expect: string[],
): { header: string[]; rows: string[][] } {
  const lines = output.split('\n').filter((l) => l.trim() !== '')
  if (lines.length === 0) return { header: [], rows: [] }
  const header = lines[0]!.trim().split(/\s+/)
  if (expect.some((c) => !header.includes(c))) throw new Error(`not a '${what}' table: ${lines[0]}`)
  return { header, rows: lines.slice(1).map((l) => l.trim().split(/\s+/)) }
}
