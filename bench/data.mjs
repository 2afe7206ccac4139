// Generates the benchmark's files: a ROWS-row invite CSV with the template's
// columns (~6-7 MB at 100k; some accented names for NFC, one in ten on an IDN
// domain for IDNA) and a ROWS x 6 XLSX written by SheetJS.
//
//   node bench/data.mjs <out dir> <rows>
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const XLSX = require('xlsx-republish');
const [outDir, rowsArg] = process.argv.slice(2);
const ROWS = Number(rowsArg ?? 100_000);
mkdirSync(outDir, { recursive: true });

const first = ['Ada', 'Émile', 'Zoë', 'José', 'Li', 'Ørjan', 'Priya', 'Tom'];
const last = ['Lovelace', 'Zola', 'Martin', 'Ibáñez', 'Lei', 'Haugen', 'Raman', 'Berg'];
const lines = ['Email,Name,Role,Groups,Metadata'];
const sheetRows = [['Email', 'First name', 'Last name', 'Role', 'Groups', 'Site']];
for (let i = 0; i < ROWS; i++) {
  const email = `person${i}@${i % 10 === 0 ? 'münchen.example' : 'example.com'}`;
  const [f, l] = [first[i % first.length], last[(i >> 3) % last.length]];
  const role = i % 50 === 0 ? 'Admin' : 'Member';
  lines.push(`${email},${f} ${l},${role},Sales|Berlin,"{""site"":""HQ${i % 7}""}"`);
  sheetRows.push([email, f, l, role, 'Sales|Berlin', `HQ${i % 7}`]);
}
const csv = Buffer.from(lines.join('\n') + '\n');
writeFileSync(join(outDir, 'invites.csv'), csv);
const book = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(sheetRows), 'People');
const xlsx = XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true });
writeFileSync(join(outDir, 'people.xlsx'), xlsx);
console.log(`# data: ${ROWS} rows; CSV ${(csv.length / 1048576).toFixed(2)} MB; XLSX ${ROWS}x6 ${(xlsx.length / 1048576).toFixed(2)} MB`);
