// The layout document on the client: defaults for new objects, ids, and the same per-object
// three-way merge the server does (studio/shots/layout.py), so a collaborator's save can be
// taken into an editor that still has unsaved changes.

export const SET_PIECES = ["wall", "door", "window", "table", "chair", "bed", "car", "tree", "box"];
export const POSES = ["stand", "sit", "walk", "point", "lie"];
export const SIZES = [
  ["ECU", "Extreme close-up"], ["CU", "Close-up"], ["MCU", "Medium close-up"], ["MS", "Medium shot"],
  ["MLS", "Medium long shot"], ["LS", "Long shot"], ["ELS", "Extreme long shot"],
];
export const SENSORS = {
  super35: { label: "Super 35", w: 24.89, h: 18.66 },
  full_frame: { label: "Full frame", w: 36.0, h: 24.0 },
  micro_four_thirds: { label: "Micro Four Thirds", w: 17.3, h: 13.0 },
};

/** Sky and ground for a time of day or a studio, a click away. */
export const STAGE_PRESETS = {
  day: { label: "Day", sky: "#8fb6e0", ground: "#6b6f5a" },
  dusk: { label: "Dusk", sky: "#c9865f", ground: "#4a3f3a" },
  night: { label: "Night", sky: "#1b2230", ground: "#3a3f47" },
  studio: { label: "Studio", sky: "#2b2d31", ground: "#55585e" },
};

export const PIECE_LABELS = {
  wall: "Wall", door: "Door", window: "Window", table: "Table", chair: "Chair", bed: "Bed", car: "Car",
  tree: "Tree", box: "Box", sun: "Sun", practical: "Practical light",
};

const PIECE_COLORS = {
  wall: "#8a8f98", door: "#7a5a3c", window: "#9fb8d0", table: "#8b6b4a", chair: "#6d5a46", bed: "#b5b9c4",
  car: "#5b6f8a", tree: "#4f7a45", box: "#a08c6e",
};

export function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** The same JSON value, whatever the order of keys (PostgreSQL's jsonb gives them back in its own order). */
export function same(a, b) {
  return canonical(a) === canonical(b);
}

function canonical(value) {
  return JSON.stringify(value, (key, v) => (v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
    : v));
}

export function newId(type, layout) {
  const taken = new Set(layout.objects.map((o) => o.id));
  for (;;) {
    const id = `${type}-${Math.random().toString(36).slice(2, 8)}`;
    if (!taken.has(id)) return id;
  }
}

function round(v, digits = 3) {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function roundVec(v, digits = 3) {
  return v.map((x) => round(x, digits));
}

function uniqueName(base, layout) {
  const names = new Set(layout.objects.map((o) => o.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i += 1) if (!names.has(`${base} ${i}`)) return `${base} ${i}`;
}

/** A new object of `kind` (a set piece, "sun", "practical", "environment" with its `asset`, or a character
 * {id, name, color}) at `at`. */
export function makeObject(kind, layout, at = [0, 0, 0], character = null, asset = null) {
  const position = roundVec(at);
  if (kind === "environment") {
    return { id: newId("set", layout), type: "environment", name: uniqueName(asset.name, layout), position,
      rotation: [0, 0, 0], asset: String(asset.id), scale: 1 };
  }
  if (character) {
    return { id: newId("char", layout), type: "character", name: uniqueName(character.name, layout), position,
      rotation: [0, 0, 0], character: character.id, height: 1.75, pose: "stand", color: character.color };
  }
  if (kind === "sun" || kind === "practical") {
    const sun = kind === "sun";
    return { id: newId(kind, layout), type: "light", name: uniqueName(PIECE_LABELS[kind], layout),
      position: sun ? [4, 8, 3] : [position[0], 2.2, position[2]], rotation: [0, 0, 0], kind,
      intensity: sun ? 2.5 : 8, color: sun ? "#fff1d6" : "#ffc98a" };
  }
  return { id: newId(kind, layout), type: kind, name: uniqueName(PIECE_LABELS[kind], layout), position,
    rotation: [0, 0, 0], scale: [1, 1, 1], color: PIECE_COLORS[kind] };
}

function parts(layout) {
  const out = new Map([["camera", layout.camera], ["stage", layout.stage]]);
  for (const o of layout.objects) out.set(o.id, o);
  return out;
}

/** Three-way merge of `mine` (made from `base`) into `theirs`, per object, as the server does.
 * Returns {layout, conflicts}. */
export function merge(base, theirs, mine) {
  const b = parts(base), t = parts(theirs), m = parts(mine);
  const merged = new Map(t);
  const conflicts = [];
  for (const key of new Set([...b.keys(), ...t.keys(), ...m.keys()])) {
    const bv = b.get(key), tv = t.get(key), mv = m.get(key);
    if (same(mv, bv)) continue;
    if (!same(tv, bv) && !same(tv, mv)) conflicts.push(key);
    else if (mv === undefined) merged.delete(key);
    else merged.set(key, mv);
  }
  const order = theirs.objects.map((o) => o.id).filter((id) => merged.has(id));
  for (const o of mine.objects) if (merged.has(o.id) && !order.includes(o.id)) order.push(o.id);
  return {
    conflicts,
    layout: { schema: 1, stage: merged.get("stage"), camera: merged.get("camera"), objects: order.map((id) => merged.get(id)) },
  };
}
