/**
 * A standalone SVG of the drawing: the theme's colours (CSS variables that mean nothing outside VS Code) are
 * written into each element as attributes, the zoom and pan are dropped, and the page-only attributes go.
 */
const PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-family', 'font-size', 'font-weight', 'opacity'] as const;

export function standaloneSvg(svg: SVGSVGElement, layer: SVGGElement, width: number, height: number): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [clone, ...Array.from(clone.querySelectorAll('*'))];
  originals.forEach((o, i) => {
    const c = copies[i];
    const style = getComputedStyle(o);
    for (const p of PROPS) {
      const v = style.getPropertyValue(p);
      if (v) c.setAttribute(p, v);
    }
    for (const a of ['tabindex', 'data-vscode-context', 'class', 'role', 'id'].filter((x) => x !== 'id' || c.tagName !== 'marker')) c.removeAttribute(a);
  });
  const copyLayer = copies[originals.indexOf(layer)];
  copyLayer?.removeAttribute('transform');
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.ceil(width)));
  clone.setAttribute('height', String(Math.ceil(height)));
  clone.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  clone.removeAttribute('style');
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', getComputedStyle(document.body).backgroundColor);
  clone.insertBefore(background, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}
