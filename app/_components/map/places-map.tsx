'use client';
/**
 * A Leaflet map of points. Leaflet (code and CSS) loads only when the map
 * scrolls into view, so it costs nothing on first load. The tile server is a
 * setting; when tiles fail (offline, blocked) the points still show on a
 * plain ground, and the page lists the same places as text beside it.
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
      const map = L.map(container.current, { scrollWheelZoom: false });
      let errors = 0;
      // Leaflet writes the attribution as HTML: escaped, the setting is shown as the text it is.
      L.tileLayer(tileUrl, { attribution: escapeHtml(attribution), maxZoom: 17 })
        .on('tileerror', () => {
          if (++errors === 3) setTilesFailed(true);
        })
        .addTo(map);
      const bounds = L.latLngBounds([]);
      for (const point of points) {
        const marker = L.circleMarker([point.lat, point.lon], { radius: 7, color: '#a3272f', weight: 2, fillColor: '#d9a528', fillOpacity: 0.9 }).addTo(map);
        // Elements, never strings: Leaflet writes a string tooltip or popup into the page as HTML.
        marker.bindTooltip(textElement(point.label)).bindPopup(popupElement(point));
        bounds.extend([point.lat, point.lon]);
      }
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
