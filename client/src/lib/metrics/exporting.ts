/**
 * Chart exports: the SVG as a standalone file (computed styles inlined, so theme variables and
 * scoped CSS survive outside the page), a PNG drawn from that SVG on a canvas, and the data as CSV.
 */
import { toCsv, type Cell } from '$shared/steering/csv.ts';

const PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-size',
  'font-family',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display'
];

/** The SVG as standalone markup: every element's computed presentation copied into its style. */
export function serializeSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    dst[i].setAttribute('style', style);
  });
  const box = svg.viewBox.baseVal;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(box?.width || svg.clientWidth));
  clone.setAttribute('height', String(box?.height || svg.clientHeight));
  // A background, so the file reads the same in a viewer with the other theme.
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('style', `fill:${getComputedStyle(svg.closest('.chart-frame') ?? document.body).getPropertyValue('background-color') || '#fff'}`);
  clone.insertBefore(bg, clone.firstChild);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadSvg(name: string, svg: SVGSVGElement): void {
  downloadBlob(`${name}.svg`, new Blob([serializeSvg(svg)], { type: 'image/svg+xml' }));
}

/** PNG at twice the chart's size: the serialized SVG drawn on a canvas. */
export async function downloadPng(name: string, svg: SVGSVGElement, scale = 2): Promise<void> {
  const markup = serializeSvg(svg);
  const box = svg.viewBox.baseVal;
  const w = box?.width || svg.clientWidth;
  const h = box?.height || svg.clientHeight;
  const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, w, h);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (blob) downloadBlob(`${name}.png`, blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export type Table = { columns: string[]; rows: Cell[][] };

export function downloadCsv(name: string, table: Table): void {
  downloadBlob(`${name}.csv`, new Blob([toCsv(table.columns, table.rows)], { type: 'text/csv;charset=utf-8' }));
}
