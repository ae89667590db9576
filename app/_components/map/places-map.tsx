'use client';
/**
 * A Leaflet map of points. Leaflet (code and CSS) loads only when the map
 * scrolls into view, so it costs nothing on first load. The tile server is a
 * setting; when tiles fail (offline, blocked) the points still show on a
 * plain ground, each with its name written beside it (there is no map
 * picture to tell them apart), placed so that no name covers another
 * (labels.ts), and the page lists the same places as text.
 */
import { useEffect, useRef, useState } from 'react';
import { type Box, inside, type LabelDirection, type LabelGeometry, overlaps, placeLabels } from './labels';
import { escapeHtml, textElement } from './text';

export interface MapPoint {
  lat: number;
  lon: number;
  /** The place's name, shown on hover and at the top of the popup. */
  label: string;
  /** Records made there. */
  links?: { label: string; href: string }[];
  /** How many records were made there; orders the names written on the map (most first). Without it, the number of links. */
  count?: number;
}

/** Tile errors before the tiles count as unreachable: one or two may be a hiccup on a slow line. */
const TILE_ERRORS_TO_GIVE_UP = 3;
/** Space kept between an open popup and the zoom control, so the control never covers the popup's text. */
const CONTROL_GAP_PX = 8;
/**
 * What Leaflet adds around a popup's content: the content's margins (20 px
 * left, 24 px right, room for the close button) and the wrapper's 1 px
 * padding on each side (leaflet.css), the 1 px Leaflet adds to the width it
 * measures, and the 5 px it keeps free at the map's right edge when it pans
 * a popup into view.
 */
const POPUP_CHROME_PX = 20 + 24 + 2 * 1 + 1 + 5;
/** Leaflet's default widest popup content; narrower on a phone. */
const POPUP_MAX_WIDTH_PX = 300;
/** Narrower than this, a place name and a record title wrap word by word: better to let the map pan. */
const POPUP_MIN_WIDTH_PX = 120;
/** The points: circles of this radius and stroke width. */
const POINT_RADIUS_PX = 7;
const POINT_WEIGHT_PX = 2;
/** A name written on the map starts at its point's edge, not over the point (Leaflet's tooltip offset). */
const LABEL_OFFSET_PX = POINT_RADIUS_PX + POINT_WEIGHT_PX / 2;
const LABEL_OFFSETS: Record<LabelDirection, [number, number]> = {
  right: [LABEL_OFFSET_PX, 0],
  left: [-LABEL_OFFSET_PX, 0],
  top: [0, -LABEL_OFFSET_PX],
  bottom: [0, LABEL_OFFSET_PX],
};
/**
 * Where Leaflet draws a tooltip (leaflet.css): 6 px further out than its offset (the margin of
 * .leaflet-tooltip-right and the others), the space taken by its pointer, a 6 px triangle. 1 px kept clear
 * around each name, so neighbours never touch (and rounding never makes them overlap).
 */
const LABEL_GEOMETRY: LabelGeometry = { gap: LABEL_OFFSET_PX + 6, pointer: 6, pointRadius: LABEL_OFFSET_PX, margin: 1 };

type Props = {
  points: MapPoint[];
  tileUrl: string;
  attribution: string;
  label: string;
  tilesFailedText: string;
  className?: string;
  zoom?: number;
};

/**
 * The popup: the place's name and links to the records made there, built
 * from text nodes because place names and titles are typed by people.
 */
function popupElement(point: MapPoint): HTMLElement {
  const content = document.createElement('div');
  content.appendChild(textElement(point.label, 'strong'));
  if (!point.links?.length) return content;
  const list = content.appendChild(document.createElement('ul'));
  list.style.cssText = 'margin:4px 0 0;padding-left:16px;max-height:12rem;overflow:auto';
  for (const link of point.links) {
    const anchor = list.appendChild(document.createElement('li')).appendChild(textElement(link.label, 'a'));
    anchor.href = link.href;
    // One title under another: each at least 24 px tall (WCAG 2.5.8), so a finger can tell them apart.
    anchor.style.cssText = 'display:block;padding:4px 0';
  }
  return content;
}

/** Resolves once leaflet.css applies (a .leaflet-pane is absolutely positioned), or after 2 s regardless. */
function leafletStylesApplied(): Promise<void> {
  const probe = document.createElement('div');
  probe.className = 'leaflet-pane';
  probe.style.visibility = 'hidden';
  document.body.append(probe);
  const deadline = performance.now() + 2000;
  return new Promise((resolve) => {
    const check = () => {
      if (getComputedStyle(probe).position === 'absolute' || performance.now() > deadline) {
        probe.remove();
        resolve();
      } else requestAnimationFrame(check);
    };
    check();
  });
}

export function PlacesMap({ points, tileUrl, attribution, label, tilesFailedText, className = 'h-80', zoom }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  const [tilesFailed, setTilesFailed] = useState(false);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setVisible(true);
        observer.disconnect();
      }
    }, { rootMargin: '200px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!visible || !container.current || points.length === 0) return;
    let dispose = () => {};
    let cancelled = false;
    void (async () => {
      const [{ default: L }] = await Promise.all([import('leaflet'), import('leaflet/dist/leaflet.css')]);
      // The stylesheet's chunk can resolve before its rules apply: a map drawn without them is tiles and controls
      // strewn down the page. Wait (a few frames, 2 s at most) until a pane would be positioned.
      await leafletStylesApplied();
      if (cancelled || !container.current) return;
      const element = container.current;
      const map = L.map(element, { scrollWheelZoom: false });
      /**
       * Popups open clear of the zoom control (top left): Leaflet pans the map so the popup's left edge passes the
       * control's right one. Leaflet's 300 px popup is wider than a 320 px phone's map: it gets what is left beside the
       * control. Measured as each popup opens, from the map as it is then (a phone turned sideways changes both).
       */
      const fitPopup = (popup: import('leaflet').Popup) => {
        const zoomControl = map.zoomControl.getContainer()!;
        const clearLeft = zoomControl.offsetLeft + zoomControl.offsetWidth + CONTROL_GAP_PX;
        popup.options.autoPanPaddingTopLeft = L.point(clearLeft, CONTROL_GAP_PX);
        popup.options.maxWidth = Math.max(POPUP_MIN_WIDTH_PX, Math.min(POPUP_MAX_WIDTH_PX, element.clientWidth - clearLeft - POPUP_CHROME_PX));
        popup.update(); // lays it out again and pans the map to it
      };
      map.on('popupopen', (event) => fitPopup(event.popup));
      /**
       * `written`: its name is written on the map (a permanent tooltip); otherwise it shows on hover and focus.
       * `size`: the name's size as drawn, measured once.
       */
      const markers: { marker: import('leaflet').CircleMarker; label: string; weight: number; written: boolean; size?: { width: number; height: number } }[] = [];
      const bounds = L.latLngBounds([]);
      for (const point of points) {
        const marker = L.circleMarker([point.lat, point.lon], { radius: POINT_RADIUS_PX, color: '#a3272f', weight: POINT_WEIGHT_PX, fillColor: '#d9a528', fillOpacity: 0.9 }).addTo(map);
        // Elements, never strings: Leaflet writes a string tooltip or popup into the page as HTML.
        marker.bindTooltip(textElement(point.label)).bindPopup(popupElement(point));
        markers.push({ marker, label: point.label, weight: point.count ?? point.links?.length ?? 0, written: false });
        bounds.extend([point.lat, point.lon]);
      }
      // Names are placed most records first (a stable sort: equal ones keep the order they were given in).
      const byWeight = [...markers].sort((a, b) => b.weight - a.weight);

      /** Measures, in one layout, the names not measured yet: drawn as Leaflet draws a name, out of sight. */
      const measureLabels = () => {
        const unmeasured = byWeight.filter((entry) => !entry.size);
        if (unmeasured.length === 0) return;
        const probe = element.appendChild(document.createElement('div'));
        probe.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden;pointer-events:none';
        const drawn = unmeasured.map((entry) => {
          const tooltip = probe.appendChild(document.createElement('div'));
          tooltip.className = 'leaflet-tooltip map-label';
          tooltip.appendChild(textElement(entry.label));
          return tooltip;
        });
        drawn.forEach((tooltip, i) => {
          const { width, height } = tooltip.getBoundingClientRect();
          unmeasured[i]!.size = { width, height };
        });
        probe.remove();
      };

      const writeLabel = (entry: (typeof markers)[number], direction: LabelDirection) => {
        if (!entry.written) {
          entry.marker.unbindTooltip().bindTooltip(textElement(entry.label), { permanent: true, direction, offset: LABEL_OFFSETS[direction], className: 'map-label' });
          entry.written = true;
          return;
        }
        const tooltip = entry.marker.getTooltip()!;
        if (tooltip.options.direction === direction) return;
        tooltip.options.direction = direction;
        tooltip.options.offset = LABEL_OFFSETS[direction];
        tooltip.update();
      };
      const unwriteLabel = (entry: (typeof markers)[number]) => {
        if (!entry.written) return;
        entry.marker.unbindTooltip().bindTooltip(textElement(entry.label));
        entry.written = false;
      };

      /**
       * No map picture: the names, written beside the points, are what tells one point from another. Each is put
       * right, left, above or below its point where it covers no other name (labels.ts); a name that fits nowhere
       * is left to show on hover and focus. Done again whenever the view changes (zoom, pan, resize).
       */
      const writeLabels = () => {
        measureLabels();
        const frame: Box = { left: 0, top: 0, right: element.clientWidth, bottom: element.clientHeight };
        const origin = element.getBoundingClientRect();
        const toMap = (r: DOMRect): Box => ({
          left: r.left - origin.left - element.clientLeft,
          top: r.top - origin.top - element.clientTop,
          right: r.right - origin.left - element.clientLeft,
          bottom: r.bottom - origin.top - element.clientTop,
        });
        const controls = [...element.querySelectorAll('.leaflet-control')].map((c) => toMap(c.getBoundingClientRect()));
        const specs = byWeight.map((entry) => {
          const { x, y } = map.latLngToContainerPoint(entry.marker.getLatLng());
          return { x, y, width: entry.size!.width, height: entry.size!.height };
        });
        const directions = placeLabels(specs, frame, controls, LABEL_GEOMETRY);
        byWeight.forEach((entry, i) => {
          const direction = directions[i];
          if (direction) writeLabel(entry, direction);
          else unwriteLabel(entry);
        });
        // Checked as drawn, in case Leaflet or a style draws a name elsewhere than worked out: a name that would
        // cover another, or reach outside the map, is left off.
        const drawn = byWeight.flatMap((entry) => {
          const tooltip = entry.written ? entry.marker.getTooltip()?.getElement() : undefined;
          return tooltip ? [{ entry, box: toMap(tooltip.getBoundingClientRect()) }] : [];
        });
        const kept: Box[] = [...controls];
        for (const { entry, box } of drawn) {
          if (inside(box, frame) && !kept.some((other) => overlaps(box, other))) kept.push(box);
          else unwriteLabel(entry);
        }
      };
      let labelsOn = false;
      let frameRequest = 0;
      const rewriteLabels = () => {
        if (!labelsOn || frameRequest) return;
        frameRequest = requestAnimationFrame(() => {
          frameRequest = 0;
          writeLabels();
        });
      };
      map.on('zoomend moveend resize', rewriteLabels);
      // A web font arriving later draws the names wider than they were measured.
      const fontsLoaded = () => {
        for (const entry of markers) delete entry.size;
        rewriteLabels();
      };
      document.fonts?.addEventListener('loadingdone', fontsLoaded);

      let errors = 0;
      // Leaflet writes the attribution as HTML: escaped, the setting is shown as the text it is.
      L.tileLayer(tileUrl, { attribution: escapeHtml(attribution), maxZoom: 17 })
        .on('tileerror', () => {
          if (++errors !== TILE_ERRORS_TO_GIVE_UP) return;
          setTilesFailed(true);
          labelsOn = true;
          writeLabels();
        })
        .addTo(map);
      if (points.length === 1) map.setView([points[0]!.lat, points[0]!.lon], zoom ?? 10);
      else map.fitBounds(bounds.pad(0.2));
      dispose = () => {
        cancelAnimationFrame(frameRequest);
        document.fonts?.removeEventListener('loadingdone', fontsLoaded);
        map.remove();
      };
    })();
    return () => {
      cancelled = true;
      dispose();
    };
  }, [visible, points, tileUrl, attribution, zoom]);

  return (
    <div>
      <div ref={container} role="region" aria-label={label} className={`w-full rounded border border-ink/20 bg-[#e8e4d8] ${className}`} data-testid="places-map" />
      {tilesFailed && <p className="mt-1 text-sm text-ink/80" role="status">{tilesFailedText}</p>}
    </div>
  );
}
