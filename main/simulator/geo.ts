// Distances and positions on the Earth, precise enough for a car on a city route.

/** [latitude, longitude] in degrees. */
export type LatLon = readonly [number, number];

const EARTH_RADIUS_M = 6_371_008.8;
const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function haversineMeters(from: LatLon, to: LatLon): number {
  const dLat = radians(to[0] - from[0]);
  const dLon = radians(to[1] - from[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(from[0])) * Math.cos(radians(to[0])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point a fraction of the way from one point to the next. Straight in degrees: legs are a few hundred metres. */
export function interpolate(from: LatLon, to: LatLon, fraction: number): LatLon {
  return [from[0] + (to[0] - from[0]) * fraction, from[1] + (to[1] - from[1]) * fraction];
}

/** Length of a polyline in metres. */
export function pathLengthMeters(points: readonly LatLon[]): number {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += haversineMeters(points[i - 1] as LatLon, points[i] as LatLon);
  return total;
}
