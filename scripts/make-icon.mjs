// Draws Kemudi's application icon (a steering wheel: "kemudi" is Indonesian for the helm) and writes it as
// build/icon.png, 512×512 RGBA, with nothing but Node: shapes sampled 4×4 per pixel, PNG written by hand.
// electron-builder takes the PNG for Linux as it is (no conversion tool, so no download); run this again
// after changing the drawing:  node scripts/make-icon.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

export const ICON_SIZE = 512;
const BACKGROUND = [15, 23, 42]; // slate-900
const WHEEL = [45, 212, 191]; // teal-400
const SAMPLES = 4;

/** The colour at a point of the 512×512 canvas, or null outside the rounded square. */
function shade(x, y) {
  const c = ICON_SIZE / 2;
  // the rounded square: corners of radius 96
  const r = 96;
  const qx = Math.max(Math.abs(x - c) - (c - r), 0);
  const qy = Math.max(Math.abs(y - c) - (c - r), 0);
  if (qx * qx + qy * qy > r * r) return null;
  const dx = x - c;
  const dy = y - c;
  const d = Math.hypot(dx, dy);
  if (d >= 150 && d <= 196) return WHEEL; // the rim
  if (d <= 50) return WHEEL; // the hub
  if (d < 150) {
    // three spokes: left, right and down, each 40 px wide
    if (Math.abs(dy) <= 20 || (dy > 0 && Math.abs(dx) <= 20)) return WHEEL;
  }
  return BACKGROUND;
}

/** The icon as PNG bytes. */
export function iconPng() {
  const size = ICON_SIZE;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      let alpha = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const colour = shade(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
          if (!colour) continue;
          red += colour[0];
          green += colour[1];
          blue += colour[2];
          alpha += 1;
        }
      }
      const at = row + 1 + x * 4;
      if (alpha > 0) {
        raw[at] = Math.round(red / alpha);
        raw[at + 1] = Math.round(green / alpha);
        raw[at + 2] = Math.round(blue / alpha);
        raw[at + 3] = Math.round((255 * alpha) / (SAMPLES * SAMPLES));
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = join(fileURLToPath(new URL('..', import.meta.url)), 'build', 'icon.png');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, iconPng());
  console.log(`kemudi: wrote ${file}`);
}
