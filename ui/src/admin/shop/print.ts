// Prints only the open dialog (a receipt, a household card): the print stylesheet
// hides the console while body has the class.
//
// Receipts print on the paper the counter has: A4 or A5 sheets, or the 58 mm or 80 mm
// roll of a thermal receipt printer. The choice is remembered on this computer. For a
// roll the page is as long as the receipt (its height is measured before printing), so
// the printer feeds no blank paper; the sheet sizes have margins.

export type Paper = 'a4' | 'a5' | 'roll58' | 'roll80';

export const PAPERS: { value: Paper; width: number }[] = [
  { value: 'a4', width: 210 },
  { value: 'a5', width: 148 },
  { value: 'roll58', width: 58 },
  { value: 'roll80', width: 80 },
];

const STORE = 'cz.print.receipt';
const PAGE_STYLE = 'cz-print-page';
const PX_PER_MM = 96 / 25.4;

export function isRoll(p: Paper): boolean {
  return p === 'roll58' || p === 'roll80';
}

// The paper chosen on this computer (80 mm roll when none was).
export function receiptPaper(): Paper {
  let v: string | null = null;
  try {
    v = localStorage.getItem(STORE);
  } catch {
    v = null;
  }
  return PAPERS.some((p) => p.value === v) ? (v as Paper) : 'roll80';
}

export function setReceiptPaper(p: Paper): void {
  try {
    localStorage.setItem(STORE, p);
  } catch {
    /* not remembered */
  }
}

// The @page rule for a paper; a roll is cut to the content's height (el, in mm).
export function pageRule(p: Paper, el?: HTMLElement | null): string {
  if (p === 'a4') return '@page { size: A4 portrait; margin: 12mm; }';
  if (p === 'a5') return '@page { size: A5 portrait; margin: 10mm; }';
  const width = p === 'roll58' ? 58 : 80;
  const height = el ? Math.ceil(el.getBoundingClientRect().height / PX_PER_MM) + 8 : 200;
  return `@page { size: ${width}mm ${Math.max(height, 40)}mm; margin: 0; }`;
}

// Puts the paper's page rule and class in place (printDialog does, and a test can).
export function applyPaper(p: Paper, el?: HTMLElement | null): void {
  let style = document.getElementById(PAGE_STYLE) as HTMLStyleElement | null;
  if (!style) {
    style = document.createElement('style');
    style.id = PAGE_STYLE;
    document.head.appendChild(style);
  }
  style.textContent = `@media print { ${pageRule(p, el)} }`;
  for (const x of PAPERS) document.body.classList.toggle(`paper-${x.value}`, x.value === p);
}

function clearPaper(): void {
  document.getElementById(PAGE_STYLE)?.remove();
  for (const x of PAPERS) document.body.classList.remove(`paper-${x.value}`);
}

// Prints the open dialog; with a paper, on that paper (el: what is printed, to size a
// roll). The classes stay until the print dialog closes ("afterprint"), or, where a
// browser does not say so, until the next key or click.
export function printDialog(paper?: Paper | Event, el?: HTMLElement | null): void {
  document.body.classList.add('printing-dialog');
  // (used directly as a click handler, the first argument is the event)
  if (typeof paper === 'string' && PAPERS.some((x) => x.value === paper)) applyPaper(paper, el);
  const done = () => {
    document.body.classList.remove('printing-dialog');
    clearPaper();
    window.removeEventListener('afterprint', done);
    window.removeEventListener('pointerdown', done, true);
    window.removeEventListener('keydown', done, true);
  };
  window.addEventListener('afterprint', done);
  window.print();
  window.addEventListener('pointerdown', done, true);
  window.addEventListener('keydown', done, true);
}
