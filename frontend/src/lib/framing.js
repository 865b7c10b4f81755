// A framing sketch for a shot: silhouettes sized by the shot size, placed by the angle.
// Until a shot has a drawn or generated frame, the card shows how it is framed.

const FIGURE = {
  // head radius and head centre height (in % of frame height) per shot size
  ECU: { r: 62, y: 52 },
  CU: { r: 27, y: 46 },
  MCU: { r: 17, y: 40 },
  MS: { r: 10.5, y: 33 },
  MLS: { r: 7.2, y: 30 },
  LS: { r: 3.6, y: 38 },
  ELS: { r: 1.5, y: 62 },
};

const HORIZON = { eye_level: 52, high: 26, low: 82, worms_eye: 96, overhead: null, dutch: 52, over_shoulder: 52, pov: 52 };

function figure(cx, cy, r, color, shade) {
  const shoulderY = cy + r * 1.45;
  const hipY = cy + r * 5.4;
  const footY = cy + r * 13.2;
  const sw = r * 2.15;
  const hw = r * 1.45;
  return (
    `<g fill="${color}" stroke="${shade}" stroke-width="${Math.max(0.25, r * 0.06)}">` +
    `<path d="M${cx - sw} ${shoulderY + r * 0.6} Q${cx - sw} ${shoulderY} ${cx - sw * 0.55} ${shoulderY}` +
    ` L${cx + sw * 0.55} ${shoulderY} Q${cx + sw} ${shoulderY} ${cx + sw} ${shoulderY + r * 0.6}` +
    ` L${cx + hw} ${hipY} L${cx - hw} ${hipY} Z"/>` +
    `<rect x="${cx - hw}" y="${hipY - 0.2}" width="${hw * 0.92}" height="${footY - hipY}" rx="${r * 0.3}"/>` +
    `<rect x="${cx + hw * 0.08}" y="${hipY - 0.2}" width="${hw * 0.92}" height="${footY - hipY}" rx="${r * 0.3}"/>` +
    `<rect x="${cx - r * 0.42}" y="${cy + r * 0.7}" width="${r * 0.84}" height="${r * 0.9}"/>` +
    `<circle cx="${cx}" cy="${cy}" r="${r}"/></g>`
  );
}

/**
 * framingSvg({size, angle, colors, aspect}) → an SVG string.
 * colors: one colour per character in the shot (empty → one neutral figure).
 */
let serial = 0;

export function framingSvg({ size = "MS", angle = "eye_level", colors = [], aspect = 2.39 }) {
  const id = `f${(serial += 1)}`;
  const w = 100 * aspect;
  const h = 100;
  const spec = FIGURE[size] || FIGURE.MS;
  const horizon = HORIZON[angle] ?? 52;
  const people = (colors.length ? colors : ["#5b6472"]).slice(0, size === "ECU" ? 1 : 3);
  const parts = [];
  parts.push(
    `<defs><linearGradient id="${id}s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1d2330"/>` +
      `<stop offset="1" stop-color="#11151b"/></linearGradient>` +
      `<radialGradient id="${id}v" cx="50%" cy="50%" r="75%"><stop offset="60%" stop-color="#000" stop-opacity="0"/>` +
      `<stop offset="100%" stop-color="#000" stop-opacity="0.55"/></radialGradient></defs>`,
  );
  parts.push(`<rect width="${w}" height="${h}" fill="url(#${id}s)"/>`);
  if (horizon !== null) {
    parts.push(`<rect y="${horizon}" width="${w}" height="${h - horizon}" fill="#0c0f13"/>`);
    parts.push(`<line x1="0" x2="${w}" y1="${horizon}" y2="${horizon}" stroke="#3b4452" stroke-width="0.4"/>`);
  } else {
    for (let x = 10; x < w; x += 12) parts.push(`<line x1="${x}" x2="${x}" y1="0" y2="${h}" stroke="#1e242d" stroke-width="0.4"/>`);
  }
  // rule of thirds
  for (const f of [1 / 3, 2 / 3]) {
    parts.push(`<line x1="${w * f}" x2="${w * f}" y1="0" y2="${h}" stroke="#ffffff" stroke-opacity="0.06" stroke-width="0.35"/>`);
    parts.push(`<line x1="0" x2="${w}" y1="${h * f}" y2="${h * f}" stroke="#ffffff" stroke-opacity="0.06" stroke-width="0.35"/>`);
  }
  const group = [];
  const n = people.length;
  people.forEach((color, i) => {
    const cx = w * (0.5 + (i - (n - 1) / 2) * Math.min(0.26, 0.7 / n));
    const lift = angle === "high" ? 4 : angle === "low" ? -3 : 0;
    if (angle === "overhead") {
      group.push(`<circle cx="${cx}" cy="50" r="${spec.r * 1.6}" fill="${color}" opacity="0.9"/>`);
      group.push(`<ellipse cx="${cx}" cy="50" rx="${spec.r * 3}" ry="${spec.r * 1.5}" fill="${color}" opacity="0.35"/>`);
    } else {
      group.push(figure(cx, spec.y + lift, spec.r, color, "rgba(0,0,0,0.35)"));
    }
  });
  const tilt = angle === "dutch" ? ` transform="rotate(-9 ${w / 2} 50)"` : "";
  parts.push(`<g opacity="0.92"${tilt}>${group.join("")}</g>`);
  if (angle === "over_shoulder") {
    parts.push(`<ellipse cx="${w * 0.08}" cy="${h * 0.95}" rx="${w * 0.2}" ry="${h * 0.55}" fill="#05070a" opacity="0.92"/>`);
  }
  parts.push(`<rect width="${w}" height="${h}" fill="url(#${id}v)"/>`);
  if (angle === "pov") {
    parts.push(`<rect x="1.5" y="1.5" width="${w - 3}" height="${h - 3}" fill="none" stroke="#fff" stroke-opacity="0.25" stroke-dasharray="3 2" stroke-width="0.5"/>`);
  }
  return `<svg class="framing" viewBox="0 0 ${w} ${h}" preserveAspectRatio="xMidYMid slice" aria-hidden="true">${parts.join("")}</svg>`;
}
