'use client';
/**
 * Picks a place's point on a map: click to set latitude and longitude in the
 * editor's fields. Leaflet loads only when the picker is opened; without
 * tiles (offline in the field) the districts still show as labelled dots.
 */
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'react';
import { escapeHtml, textElement } from '@/app/_components/map/text';

export interface MapSettings {
  tileUrl: string;
  attribution: string;
  districts: { id: string; name: string; lat: number; lon: number }[];
}

export function MapPicker({ settings }: { settings: MapSettings }) {
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open || !container.current) return;
    const form = container.current.closest('form');
    const field = (name: string) => form?.querySelector<HTMLInputElement>(`[name="${name}"]`);
    let dispose = () => {};
    void (async () => {
      const L = (await import('leaflet')).default;
      const lat = Number(field('places.0.lat')?.value) || 15.55;
      const lon = Number(field('places.0.lon')?.value) || 107.9;
      const map = L.map(container.current!, { attributionControl: true }).setView([lat, lon], field('places.0.lat')?.value ? 11 : 8);
      // Leaflet writes strings as HTML: the attribution setting is escaped, district names go in as text nodes.
      L.tileLayer(settings.tileUrl, { attribution: escapeHtml(settings.attribution), maxZoom: 17 }).addTo(map);
      for (const d of settings.districts) L.circleMarker([d.lat, d.lon], { radius: 4, color: '#26305a' }).bindTooltip(textElement(d.name)).addTo(map);
      const marker = L.circleMarker([lat, lon], { radius: 8, color: '#a3272f', fillOpacity: 0.8 }).addTo(map);
      map.on('click', (event: { latlng: { lat: number; lng: number } }) => {
        marker.setLatLng(event.latlng);
        const latField = field('places.0.lat');
        const lonField = field('places.0.lon');
        if (latField) latField.value = event.latlng.lat.toFixed(5);
        if (lonField) lonField.value = event.latlng.lng.toFixed(5);
      });
      dispose = () => map.remove();
    })();
    return () => dispose();
  }, [open, settings]);

  return (
    <div className="text-sm">
      <button type="button" className="underline" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        {open ? 'Ẩn bản đồ' : 'Chọn điểm trên bản đồ'}
      </button>
      {open && <div ref={container} className="mt-2 h-72 w-full rounded border border-ink/20" data-testid="map-picker" role="application" aria-label="Bản đồ: bấm để chọn vị trí" />}
    </div>
  );
}
