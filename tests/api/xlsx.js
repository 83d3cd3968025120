// XLSX files in the API tests, read back with python3's zipfile and ElementTree.
'use strict';

const { execFileSync } = require('node:child_process');

// Reads an XLSX file with python3's zipfile: {sheet name: rows of cell values}.
function readXlsx(buf) {
  const py = `
import sys, json, zipfile, io, re
import xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
shared = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):
        shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])))
wb = ET.fromstring(z.read('xl/workbook.xml'))
rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
target = {r.get('Id'): r.get('Target') for r in rels}
out = {}
def col(ref):
    n = 0
    for ch in re.match('[A-Z]+', ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1
for sh in wb.find('m:sheets', ns):
    path = 'xl/' + target[sh.get('{%s}id' % ns['r'])].lstrip('/').replace('xl/', '')
    rows = []
    for row in ET.fromstring(z.read(path)).iter('{%s}row' % ns['m']):
        cells = []
        for c in row.findall('m:c', ns):
            i = col(c.get('r'))
            while len(cells) < i:
                cells.append(None)
            t, v = c.get('t'), c.find('m:v', ns)
            if t == 's':
                cells.append(shared[int(v.text)])
            elif t == 'inlineStr':
                cells.append(''.join(x.text or '' for x in c.iter('{%s}t' % ns['m'])))
            elif t == 'str':
                cells.append(v.text if v is not None else '')
            else:
                cells.append(float(v.text) if v is not None else None)
        rows.append(cells)
    out[sh.get('name')] = rows
print(json.dumps(out, ensure_ascii=False))
`;
  return JSON.parse(execFileSync('python3', ['-c', py], { input: buf }).toString('utf8'));
}

module.exports = { readXlsx };
