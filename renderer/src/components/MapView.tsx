import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Lang } from '../../../common/contract.js';
import {
  buildScene,
  canZoomIn,
  canZoomOut,
  carLocation,
  followHeading,
  formatDistance,
  guidance,
  MAP_COLORS,
  mapCenter,
  metresAcross,
  prepareRoads,
  roadColor,
  roadWidth,
  routeWidth,
  viewFor,
  zoomForSpan,
  zoomIn,
  zoomOut,
  type LatLon,
  type Scene,
} from '../state/map.js';
import { uiLang, useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';

/** The canvas's size in CSS pixels and in device pixels (exact, from the ResizeObserver). */
interface CanvasSize {
  width: number;
  height: number;
  pxWidth: number;
  pxHeight: number;
}

const LABEL_FONT = '600 15px system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif';
const SCALE_FONT = '600 14px system-ui, "Noto Sans", sans-serif';

function strokePolyline(ctx: CanvasRenderingContext2D, points: Float64Array): void {
  if (points.length < 4) return;
  ctx.moveTo(points[0] ?? 0, points[1] ?? 0);
  for (let i = 2; i < points.length; i += 2) ctx.lineTo(points[i] ?? 0, points[i + 1] ?? 0);
}

/** One frame: background, roads by class (minor first, casings under the major ones), the route on top,
 *  street names, the destination pin, the car, the scale bar. Everything in CSS pixels. */
function drawScene(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { view } = scene;
  ctx.fillStyle = MAP_COLORS.background;
  ctx.fillRect(0, 0, view.width, view.height);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';

  // One path per class: a few strokes per frame however many roads.
  for (let cls = 3; cls >= 0; cls--) {
    const lines = scene.roads.filter((road) => road.cls === cls);
    if (lines.length === 0) continue;
    ctx.beginPath();
    for (const line of lines) strokePolyline(ctx, line.points);
    const width = roadWidth(cls, view.zoom);
    if (cls <= 1) {
      ctx.strokeStyle = MAP_COLORS.casing;
      ctx.lineWidth = width + 3;
      ctx.stroke();
    }
    ctx.strokeStyle = roadColor(cls);
    ctx.lineWidth = width;
    ctx.stroke();
  }

  if (scene.route) {
    ctx.beginPath();
    strokePolyline(ctx, scene.route);
    const width = routeWidth(view.zoom);
    ctx.strokeStyle = MAP_COLORS.routeCasing;
    ctx.lineWidth = width + 4;
    ctx.stroke();
    ctx.strokeStyle = MAP_COLORS.route;
    ctx.lineWidth = width;
    ctx.stroke();
  }

  if (scene.labels.length > 0) {
    ctx.font = LABEL_FONT;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 4;
    ctx.strokeStyle = MAP_COLORS.labelHalo;
    ctx.fillStyle = MAP_COLORS.label;
    for (const label of scene.labels) {
      ctx.save();
      ctx.translate(label.x, label.y);
      ctx.rotate(label.angle);
      ctx.strokeText(label.text, 0, 0);
      ctx.fillText(label.text, 0, 0);
      ctx.restore();
    }
  }

  if (scene.destination) drawPin(ctx, scene.destination.x, scene.destination.y);
  if (scene.car) drawCar(ctx, scene.car.x, scene.car.y, scene.car.heading);
  drawScale(ctx, scene);
}

/** A map pin whose tip marks the destination. */
function drawPin(ctx: CanvasRenderingContext2D, x: number, y: number): void {
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.bezierCurveTo(x - 4, y - 10, x - 13, y - 16, x - 13, y - 26);
  ctx.arc(x, y - 26, 13, Math.PI, 0);
  ctx.bezierCurveTo(x + 13, y - 16, x + 4, y - 10, x, y);
  ctx.closePath();
  ctx.fillStyle = MAP_COLORS.destination;
  ctx.strokeStyle = MAP_COLORS.casing;
  ctx.lineWidth = 2;
  ctx.fill();
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(x, y - 26, 5, 0, 2 * Math.PI);
  ctx.fillStyle = MAP_COLORS.casing;
  ctx.fill();
}

/** The car: an arrow pointing where it drives (north up), or a dot while its heading is unknown. */
function drawCar(ctx: CanvasRenderingContext2D, x: number, y: number, heading: number | null): void {
  ctx.beginPath();
  ctx.arc(x, y, 24, 0, 2 * Math.PI);
  ctx.fillStyle = 'rgba(255, 211, 77, 0.22)';
  ctx.fill();
  ctx.fillStyle = MAP_COLORS.car;
  ctx.strokeStyle = MAP_COLORS.carOutline;
  ctx.lineWidth = 3;
  if (heading === null) {
    ctx.beginPath();
    ctx.arc(x, y, 11, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    return;
  }
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate((heading * Math.PI) / 180);
  ctx.beginPath();
  ctx.moveTo(0, -17);
  ctx.lineTo(12, 13);
  ctx.lineTo(0, 6);
  ctx.lineTo(-12, 13);
  ctx.closePath();
  ctx.stroke();
  ctx.fill();
  ctx.restore();
}

function drawScale(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { px, label } = scene.scale;
  const x = 16;
  const y = scene.view.height - 18;
  ctx.lineCap = 'butt';
  ctx.beginPath();
  ctx.moveTo(x, y - 8);
  ctx.lineTo(x, y);
  ctx.lineTo(x + px, y);
  ctx.lineTo(x + px, y - 8);
  ctx.strokeStyle = MAP_COLORS.casing;
  ctx.lineWidth = 6;
  ctx.stroke();
  ctx.strokeStyle = MAP_COLORS.scale;
  ctx.lineWidth = 2.5;
  ctx.stroke();
  ctx.font = SCALE_FONT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  ctx.lineWidth = 4;
  ctx.strokeStyle = MAP_COLORS.labelHalo;
  ctx.fillStyle = MAP_COLORS.scale;
  ctx.strokeText(label, x + 6, y - 6);
  ctx.fillText(label, x + 6, y - 6);
}

/** The map: north up, centred on the car, drawn on a canvas from the core's own road data (no tiles). The
 *  next instruction, the time and distance left, the zoom buttons and the data's attribution lie over it. */
export function MapView({ store }: { store: Store }) {
  const t = useT();
  const { roads, nav, state, turns } = store.ui.value;
  // The guidance text comes in the driver's language; distances follow it.
  const lang: Lang = store.lang.value ?? turns.at(-1)?.lang ?? 'en';
  const car = carLocation(state?.vehicle);
  const center = mapCenter(car, nav, roads);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState<CanvasSize>({ width: 0, height: 0, pxWidth: 0, pxHeight: 0 });
  /** Null until the driver zooms: then the default span (about 1.5 km across) holds at any size. */
  const [chosenZoom, setChosenZoom] = useState<number | null>(null);
  const zoom = chosenZoom ?? zoomForSpan(center?.lat ?? 0, size.width);
  const prepared = useMemo(() => prepareRoads(roads), [roads]);

  // The heading from the car's movement (the bus has no compass signal).
  const tracked = useRef<{ anchor: LatLon | null; heading: number | null }>({ anchor: null, heading: null });
  tracked.current = followHeading(tracked.current.anchor, car, tracked.current.heading);
  const headingNow = tracked.current.heading;

  // The canvas follows its box, in exact device pixels (which also changes with the pixel ratio).
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (!entry) return;
      const width = entry.contentRect.width;
      const height = entry.contentRect.height;
      // The device-pixel box is snapped to the real pixel grid; where it disagrees with the ratio by more
      // than a pixel (an emulated ratio reports CSS pixels there), the ratio wins.
      const device = entry.devicePixelContentBoxSize?.[0];
      const ratio = window.devicePixelRatio || 1;
      const exact = (measured: number | undefined, css: number) => (measured !== undefined && Math.abs(measured - css * ratio) <= 1 ? measured : Math.round(css * ratio));
      const next = { width, height, pxWidth: exact(device?.inlineSize, width), pxHeight: exact(device?.blockSize, height) };
      setSize((previous) =>
        previous.width === next.width && previous.height === next.height && previous.pxWidth === next.pxWidth && previous.pxHeight === next.pxHeight ? previous : next,
      );
    });
    try {
      observer.observe(element, { box: 'device-pixel-content-box' });
    } catch {
      observer.observe(element);
    }
    return () => observer.disconnect();
  }, []);

  // Redraw once per animation frame after anything the map shows changed.
  const route = nav?.route?.points ?? null;
  const centerLat = center?.lat;
  const centerLon = center?.lon;
  const carLat = car?.lat;
  const carLon = car?.lon;
  useEffect(() => {
    const element = canvas.current;
    if (!element || size.pxWidth === 0 || size.pxHeight === 0) return;
    const frame = requestAnimationFrame(() => {
      if (element.width !== size.pxWidth) element.width = size.pxWidth;
      if (element.height !== size.pxHeight) element.height = size.pxHeight;
      const ctx = element.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(size.pxWidth / size.width, 0, 0, size.pxHeight / size.height, 0, 0);
      if (centerLat === undefined || centerLon === undefined) {
        ctx.fillStyle = MAP_COLORS.background;
        ctx.fillRect(0, 0, size.width, size.height);
        return;
      }
      const view = viewFor({ lat: centerLat, lon: centerLon }, zoom, size);
      ctx.font = LABEL_FONT;
      const scene = buildScene({
        roads: prepared,
        route,
        car: carLat === undefined || carLon === undefined ? null : { lat: carLat, lon: carLon },
        heading: headingNow,
        view,
        measure: (text) => ctx.measureText(text).width,
      });
      drawScene(ctx, scene);
    });
    return () => cancelAnimationFrame(frame);
  }, [prepared, route, centerLat, centerLon, carLat, carLon, headingNow, zoom, size]);

  const guide = guidance(nav, lang);
  const view = center ? viewFor(center, zoom, size) : null;
  const across = view && size.width > 0 ? metresAcross(view) : null;
  const street = nav?.route?.next?.street;
  return (
    <section class="map" aria-label={t('home:map.label')} data-testid="map">
      <canvas
        ref={canvas}
        class="map-canvas"
        data-testid="map-canvas"
        role="img"
        aria-label={across === null ? t('home:map.label') : t('home:map.across', { distance: formatDistance(across, uiLang.value) })}
        data-zoom={zoom.toFixed(4)}
        data-center={center ? `${center.lat},${center.lon}` : ''}
        data-metres-across={across === null ? '' : Math.round(across)}
        data-orientation="north-up"
      />
      {guide && (
        <div class="map-guidance" role="region" aria-label={t('home:map.next')} data-testid="map-guidance">
          {guide.next ? (
            <>
              <p class="map-next-distance" data-testid="map-next-distance">
                {guide.next.distance}
              </p>
              <p class="map-next-text" data-testid="map-next-text">
                {guide.next.text}
              </p>
              {street && !guide.next.text.includes(street) && <p class="map-next-street">{street}</p>}
            </>
          ) : (
            <p class="map-next-text" data-testid="map-next-text">
              {guide.destination}
            </p>
          )}
          <p class="map-remaining" data-testid="map-remaining">
            <span class="map-remaining-figures">{guide.remaining}</span>
            <span class="map-destination"> · {guide.destination}</span>
          </p>
        </div>
      )}
      {!center && (
        <p class="map-empty" data-testid="map-empty">
          {t('home:map.waiting')}
        </p>
      )}
      {center && !roads && (
        <p class="map-empty" data-testid="map-empty">
          {t('home:map.noData')}
        </p>
      )}
      <div class="map-zoom" role="group" aria-label={t('home:map.zoom')}>
        <button type="button" class="map-zoom-button" aria-label={t('home:map.zoomIn')} data-testid="map-zoom-in" disabled={!canZoomIn(zoom)} onClick={() => setChosenZoom(zoomIn(zoom))}>
          +
        </button>
        <button type="button" class="map-zoom-button" aria-label={t('home:map.zoomOut')} data-testid="map-zoom-out" disabled={!canZoomOut(zoom)} onClick={() => setChosenZoom(zoomOut(zoom))}>
          −
        </button>
      </div>
      {roads && (
        <p class="map-attribution" data-testid="map-attribution">
          {roads.attribution}
        </p>
      )}
    </section>
  );
}
