// Village rosters for the import tests: deterministic households and residents with
// valid, unique ID-card numbers, written as CSV or as a minimal XLSX workbook.
'use strict';

const zlib = require('node:zlib');
const { idCheckChar } = require('./lib');

const COLUMNS = ['户号', '村民小组', '网格', '住址', '姓名', '性别', '出生日期', '身份证号', '与户主关系', '联系电话', '政治面貌', '标签', '个人标签'];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '欧阳', '司马'];
const GIVEN_M = ['建国', '志强', '伟', '勇', '军', '磊', '国平', '海涛', '德明', '春生', '俊杰', '浩然', '子轩', '宇航', '明轩'];
const GIVEN_F = ['秀英', '桂兰', '丽', '芳', '敏', '静', '红梅', '海燕', '婷', '欣怡', '雨涵', '梓涵', '一诺', '雨桐', '思涵'];

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Builds `households` households of `perHousehold` residents (head, spouse, son,
// daughter, …) in the given groups. Options: prefix for household numbers, region for
// the ID numbers (6 digits), seed.
function makeRoster({ households, perHousehold = 4, groups, prefix = 'R', region = '510781', seed = 1, village = '青山村' }) {
  const rnd = mulberry32(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const seqs = new Map(); // birth date → next sequence pair
  const rows = [];
  const idFor = (date, male) => {
    const n = seqs.get(date) || 0;
    seqs.set(date, n + 1);
    if (n >= 500) throw new Error('too many people born on ' + date);
    const seq = n * 2 + (male ? 1 : 0);
    const s17 = region + date.replace(/-/g, '') + String(seq).padStart(3, '0');
    return s17 + idCheckChar(s17);
  };
  const dateIn = (y0, y1) => {
    const y = y0 + Math.floor(rnd() * (y1 - y0 + 1));
    const m = 1 + Math.floor(rnd() * 12);
    const d = 1 + Math.floor(rnd() * 28);
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  const relations = ['户主', '配偶', '子', '女', '孙子', '孙女', '父亲', '母亲'];
  for (let h = 0; h < households; h++) {
    const number = prefix + String(h + 1).padStart(5, '0');
    const group = groups[h % groups.length];
    const address = `${village}${group} ${h + 1} 号`;
    const surname = pick(SURNAMES);
    for (let k = 0; k < perHousehold; k++) {
      const relation = relations[k % relations.length];
      const male = ['户主', '子', '孙子', '父亲'].includes(relation);
      const birth = relation === '户主' || relation === '配偶' ? dateIn(1950, 1985)
        : relation === '父亲' || relation === '母亲' ? dateIn(1925, 1945) : dateIn(1990, 2015);
      const name = (relation === '配偶' || relation === '母亲' ? pick(SURNAMES) : surname) + pick(male ? GIVEN_M : GIVEN_F);
      const idcard = idFor(birth, male);
      // dates and blanks written the ways rosters really have them
      const style = (h + k) % 4;
      const birthCell = style === 0 ? birth : style === 1 ? birth.replace(/-0?/g, '/') : style === 2 ? '' : birth.replace(/-/g, '');
      rows.push({
        户号: number,
        村民小组: k === 0 || rnd() < 0.5 ? group : '',
        住址: k === 0 ? address : '',
        姓名: name,
        性别: style === 2 ? '' : male ? '男' : '女',
        出生日期: birthCell,
        身份证号: idcard,
        与户主关系: relation,
        联系电话: k < 2 ? '1' + String(5800000000 + rows.length + seed * 100000).slice(0, 10) : '',
        政治面貌: k === 0 && rnd() < 0.2 ? '中共党员' : rnd() < 0.5 ? '群众' : '',
      });
    }
  }
  return rows;
}

function csvCell(v) {
  return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}

function toCsv(rows, { bom = true, columns = COLUMNS } = {}) {
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c] ?? '')).join(','));
  return Buffer.from((bom ? '\ufeff' : '') + lines.join('\r\n') + '\r\n', 'utf8');
}

// ---- a minimal XLSX (stored zip entries, inline strings) ----

function crc32(buf) {
  if (zlib.crc32) return zlib.crc32(buf) >>> 0;
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of files) {
    const data = Buffer.from(content, 'utf8');
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    locals.push(local, nameBuf, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function colName(i) {
  let s = '';
  for (i += 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

function toXlsx(rows, { columns = COLUMNS } = {}) {
  const table = [columns, ...rows.map((r) => columns.map((c) => r[c] ?? ''))];
  const sheetRows = table.map((cells, ri) => `<row r="${ri + 1}">` + cells.map((v, ci) => (v === ''
    ? '' : `<c r="${colName(ci)}${ri + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`)).join('') + '</row>').join('');
  return zip([
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'],
    ['xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="村民花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'],
    ['xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'],
    ['xl/worksheets/sheet1.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`],
  ]);
}

module.exports = { COLUMNS, makeRoster, toCsv, toXlsx };
