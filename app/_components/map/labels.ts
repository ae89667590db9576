/**
 * Where the names of map points go when they are written on the map (tiles
 * offline, places-map.tsx): beside each point, never over another name.
 *
 * Leaflet's own 'auto' direction only looks at which half of the map a point
 * is in, so two points 13 px apart get names drawn over each other. Here each
 * name, the points with most records first, tries right, left, above and
 * below its point and keeps the first place that covers no name already
 * placed and no map control, and stays inside the map; a place that also
 * leaves the other points uncovered is preferred. A name that fits nowhere is
 * left off the map (its point still names itself on hover and focus, and the
 * page lists every place as text).
 *
 * Pure geometry, in the map container's pixels: the component measures each
 * name once (its size does not change with the view) and works out the four
 * boxes from where Leaflet draws a tooltip. Trying each place by moving a real
 * Leaflet tooltip and measuring it costs a layout of the whole tooltip pane
 * per try: minutes for the map page's 2,000 points.
 */

export type LabelDirection = 'right' | 'left' | 'top' | 'bottom';

/** In this order: to the right reads most naturally, then the other side, then above and below. */
export const LABEL_DIRECTIONS: readonly LabelDirection[] = ['right', 'left', 'top', 'bottom'];

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface LabelSpec {
  /** The point's centre. */
  x: number;
  y: number;
  /** The label's size as drawn. */
  width: number;
  height: number;
}

export interface LabelGeometry {
  /** From a point's centre to the near edge of its label's box. */
  gap: number;
  /** How far the label's pointer reaches from its box towards the point (drawn outside the box). */
  pointer: number;
  /** Half the size of the box a point is drawn in (radius and half the stroke). */
  pointRadius: number;
  /** Space kept clear around each label, so neighbouring names never touch. */
  margin: number;
}

/** Whether two boxes share any area (touching edges do not count). */
export function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Whether `inner` lies wholly within `outer`. */
export function inside(inner: Box, outer: Box): boolean {
  return inner.left >= outer.left && inner.top >= outer.top && inner.right <= outer.right && inner.bottom <= outer.bottom;
}

/**
 * The box a label covers at `direction` (pointer and margin included), as
 * Leaflet places a tooltip: beside the point, centred on it across.
 */
export function labelBox({ x, y, width, height }: LabelSpec, direction: LabelDirection, { gap, pointer, margin }: LabelGeometry): Box {
  let box: Box;
  if (direction === 'right') box = { left: x + gap - pointer, right: x + gap + width, top: y - height / 2, bottom: y + height / 2 };
  else if (direction === 'left') box = { left: x - gap - width, right: x - gap + pointer, top: y - height / 2, bottom: y + height / 2 };
  else if (direction === 'top') box = { left: x - width / 2, right: x + width / 2, top: y - gap - height, bottom: y - gap + pointer };
  else box = { left: x - width / 2, right: x + width / 2, top: y + gap - pointer, bottom: y + gap + height };
  return { left: box.left - margin, top: box.top - margin, right: box.right + margin, bottom: box.bottom + margin };
}

/** Points filed by square cells, so a label asks only about the points near it (2,000 points × 4 tries × 2,000 is too many). */
class PointGrid {
  private readonly cells = new Map<string, number[]>();
  constructor(
    private readonly boxes: Box[],
    private readonly size: number,
  ) {
    boxes.forEach((box, i) => {
      for (const key of this.keys(box)) {
        const cell = this.cells.get(key);
        if (cell) cell.push(i);
        else this.cells.set(key, [i]);
      }
    });
  }

  private *keys(box: Box): Generator<string> {
    for (let cx = Math.floor(box.left / this.size); cx <= Math.floor(box.right / this.size); cx++) {
      for (let cy = Math.floor(box.top / this.size); cy <= Math.floor(box.bottom / this.size); cy++) yield `${cx},${cy}`;
    }
  }

  /** Whether `box` covers any point other than point `except`. */
  covers(box: Box, except: number): boolean {
    for (const key of this.keys(box)) {
      for (const i of this.cells.get(key) ?? []) if (i !== except && overlaps(box, this.boxes[i]!)) return true;
    }
    return false;
  }
}

/**
 * Places the labels in the order given (most important first). `frame` is the
 * map's inside; `blocked` are boxes no label may cover (the map's controls).
 * Returns each label's direction, or undefined for a label left off the map.
 */
export function placeLabels(labels: readonly LabelSpec[], frame: Box, blocked: readonly Box[], geometry: LabelGeometry): (LabelDirection | undefined)[] {
  const r = geometry.pointRadius;
  const points = new PointGrid(
    labels.map(({ x, y }) => ({ left: x - r, top: y - r, right: x + r, bottom: y + r })),
    64,
  );
  const taken: Box[] = [...blocked];
  return labels.map((label, i) => {
    // A point off the map (panned away) cannot have its label inside it.
    if (label.x < frame.left || label.x > frame.right || label.y < frame.top || label.y > frame.bottom) return undefined;
    const boxes = LABEL_DIRECTIONS.map((direction) => labelBox(label, direction, geometry));
    const free = boxes.map((box) => inside(box, frame) && !taken.some((other) => overlaps(box, other)));
    // First a place that covers no other point either; failing that, any place that covers no other name.
    let at = free.findIndex((ok, d) => ok && !points.covers(boxes[d]!, i));
    if (at < 0) at = free.indexOf(true);
    if (at < 0) return undefined;
    taken.push(boxes[at]!);
    return LABEL_DIRECTIONS[at];
  });
}
