'use client';
/**
 * A Leaflet map of points. Leaflet (code and CSS) loads only when the map
 * scrolls into view, so it costs nothing on first load. The tile server is a
 * setting; when tiles fail (offline, blocked) the points still show on a
 * plain ground, each with its name written beside it (there is no map
 * picture to tell them apart), and the page lists the same places as text.
 */
import { useEffect, useRef, useState } from 'react';
import { escapeHtml, textElement } from './text';

export interface MapPoint {
  lat: number;
  lon: number;
  /** The place's name, shown on hover and at the top of the popup. */
  label: string;
  /** Records made there. */
  links?: { label: string; href: string }[];
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
      const markers: { marker: import('leaflet').CircleMarker; label: string }[] = [];
      const bounds = L.latLngBounds([]);
      for (const point of points) {
        const marker = L.circleMarker([point.lat, point.lon], { radius: 7, color: '#a3272f', weight: 2, fillColor: '#d9a528', fillOpacity: 0.9 }).addTo(map);
        // Elements, never strings: Leaflet writes a string tooltip or popup into the page as HTML.
        marker.bindTooltip(textElement(point.label)).bindPopup(popupElement(point));
        markers.push({ marker, label: point.label });
        bounds.extend([point.lat, point.lon]);
      }
      let errors = 0;
      // Leaflet writes the attribution as HTML: escaped, the setting is shown as the text it is.
      L.tileLayer(tileUrl, { attribution: escapeHtml(attribution), maxZoom: 17 })
        .on('tileerror', () => {
          if (++errors !== TILE_ERRORS_TO_GIVE_UP) return;
          setTilesFailed(true);
          // No map picture: the names, always shown, are what tells one point from another.
          for (const { marker, label } of markers) marker.unbindTooltip().bindTooltip(textElement(label), { permanent: true, direction: 'auto', className: 'map-label' });
        })
        .addTo(map);
      if (points.length === 1) map.setView([points[0]!.lat, points[0]!.lon], zoom ?? 10);
      else map.fitBounds(bounds.pad(0.2));
      dispose = () => map.remove();
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
