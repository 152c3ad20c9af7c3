/** Zoom (wheel, buttons) and pan (drag the background) of the graph, kept in the page's saved state. */
export interface Transform {
  zoom: number;
  panX: number;
  panY: number;
}

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 4;

export class Viewport {
  constructor(
    private readonly svg: SVGSVGElement,
    private readonly layer: SVGGElement,
    readonly transform: Transform,
    private readonly changed: () => void,
  ) {
    svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      this.zoomAt(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    let drag: { x: number; y: number; panX: number; panY: number } | undefined;
    svg.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('g.node') || e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, panX: this.transform.panX, panY: this.transform.panY };
      svg.setPointerCapture(e.pointerId);
      svg.classList.add('panning');
    });
    svg.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.transform.panX = drag.panX + e.clientX - drag.x;
      this.transform.panY = drag.panY + e.clientY - drag.y;
      this.apply();
    });
    const end = () => {
      if (!drag) return;
      drag = undefined;
      svg.classList.remove('panning');
      this.changed();
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointercancel', end);
    this.apply();
  }

  apply(): void {
    const { zoom, panX, panY } = this.transform;
    this.layer.setAttribute('transform', `translate(${panX},${panY}) scale(${zoom})`);
  }

  zoomAt(factor: number, cx: number, cy: number): void {
    const t = this.transform;
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, t.zoom * factor));
    t.panX = cx - ((cx - t.panX) * zoom) / t.zoom;
    t.panY = cy - ((cy - t.panY) * zoom) / t.zoom;
    t.zoom = zoom;
    this.apply();
    this.changed();
  }

  zoomBy(factor: number): void {
    const r = this.svg.getBoundingClientRect();
    this.zoomAt(factor, r.width / 2, r.height / 2);
  }

  /** Fits a `width` × `height` drawing into the view (never enlarging beyond 1). */
  fit(width: number, height: number): void {
    const r = this.svg.getBoundingClientRect();
    if (!width || !height || !r.width || !r.height) return;
    const zoom = Math.max(MIN_ZOOM, Math.min(1, r.width / width, r.height / height));
    this.transform.zoom = zoom;
    this.transform.panX = Math.max(0, (r.width - width * zoom) / 2);
    this.transform.panY = Math.max(0, (r.height - height * zoom) / 2);
    this.apply();
    this.changed();
  }

  /** Scrolls so the box at (x, y, w, h) in drawing coordinates is inside the view. */
  ensureVisible(x: number, y: number, w: number, h: number): void {
    const r = this.svg.getBoundingClientRect();
    const t = this.transform;
    const left = x * t.zoom + t.panX;
    const top = y * t.zoom + t.panY;
    const right = left + w * t.zoom;
    const bottom = top + h * t.zoom;
    let moved = false;
    if (left < 0) { t.panX -= left - 16; moved = true; } else if (right > r.width) { t.panX -= right - r.width + 16; moved = true; }
    if (top < 0) { t.panY -= top - 16; moved = true; } else if (bottom > r.height) { t.panY -= bottom - r.height + 16; moved = true; }
    if (moved) {
      this.apply();
      this.changed();
    }
  }
}
