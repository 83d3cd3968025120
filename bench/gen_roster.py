#!/usr/bin/env python3
"""A village roster for the import benchmark (bench/county.sh): RESIDENTS residents in
households of 1-6 (about 3.3 a household), one row a resident, as XLSX files of at most
MAXROWS data rows each (a household is never split between files), written as
PREFIX-1.xlsx, PREFIX-2.xlsx ... (their names printed one a line).

    gen_roster.py PREFIX RESIDENTS MAXROWS

Columns 户号, 住址, 姓名, 性别, 出生日期, 身份证号, 与户主关系 (the others left out: an
import keeps what is registered for a column it does not have). ID-card numbers are
valid (GB 11643 check character), unique, in a region code no demo or generated resident
uses (70xxxx). Deterministic. Standard library only: the file is the minimal SpreadsheetML
package with inline strings, which the server's reader (src/util/table_xlsx.c) reads."""
import random
import sys
import zipfile

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋"
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "红梅", "德明", "玉兰", "俊杰", "丽娟", "国华", "春生",
         "晓东", "淑芬", "永福", "雪梅", "文斌", "凤英", "子涵", "浩然", "欣怡", "宇航", "梓萱", "明轩"]
RELATIONS = ["配偶", "子", "女", "儿媳", "女婿", "孙子", "孙女", "父亲", "母亲"]
HEADER = ["户号", "住址", "姓名", "性别", "出生日期", "身份证号", "与户主关系"]


def idcard(seq, rnd):
    year = rnd.randint(1940, 2019)
    month = rnd.randint(1, 12)
    day = rnd.randint(1, 28)
    s17 = "%06d%04d%02d%02d%03d" % (700000 + seq // 1000, year, month, day, seq % 1000)
    total = sum(int(d) * w for d, w in zip(s17, WEIGHTS))
    number = s17 + CHECK[total % 11]
    gender = "男" if int(s17[16]) % 2 else "女"
    return number, gender, "%04d-%02d-%02d" % (year, month, day)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def col(i):
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]


def write(path, rows):
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, cells in enumerate([HEADER] + rows, start=1):
        parts.append('<row r="%d">' % r)
        for c, v in enumerate(cells):
            parts.append('<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (col(c), r, esc(v)))
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", "".join(parts))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: gen_roster.py PREFIX RESIDENTS MAXROWS")
    prefix, total, maxrows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(17)
    sizes = [1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6]
    rows, files, seq, household = [], 0, 0, 0
    while seq < total:
        household += 1
        n = min(rnd.choice(sizes), total - seq)
        if len(rows) + n > maxrows:
            files += 1
            write("%s-%d.xlsx" % (prefix, files), rows)
            print("%s-%d.xlsx" % (prefix, files))
            rows = []
        number = "R%06d" % household
        address = "导入路%d号" % household
        surname = rnd.choice(SURNAMES)
        for m in range(n):
            seq += 1
            card, gender, birth = idcard(seq, rnd)
            rows.append([number, address, surname + rnd.choice(GIVEN), gender, birth, card,
                         "户主" if m == 0 else rnd.choice(RELATIONS)])
    if rows:
        files += 1
        write("%s-%d.xlsx" % (prefix, files), rows)
        print("%s-%d.xlsx" % (prefix, files))


if __name__ == "__main__":
    main()
