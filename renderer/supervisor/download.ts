/**
 * Saves text the hub made (an audit or report CSV) as a file on this device. A byte order
 * mark goes first: without it, spreadsheet programs read UTF-8 names (Cyrillic, Latvian
 * diacritics) in the system's legacy code page.
 */
export function downloadCsv(filename: string, csv: string): void {
  const text = csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = safeFilename(filename);
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoked later: some browsers start reading the blob only after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/** The hub names the file; a name with a path or odd characters still only names a file. */
function safeFilename(name: string): string {
  const cleaned = name.replace(/[^\w.-]+/gu, '_').replace(/^\.+/u, '');
  return cleaned.length > 0 ? cleaned.slice(0, 120) : 'lanewise.csv';
}
