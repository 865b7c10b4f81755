// Geometries every object of a kind shares (a mannequin's limbs, a table's legs): made once, never disposed
// with an object. Two hundred mannequins then hold a few dozen geometries, not thousands.

const cache = new Map();

/** The geometry made by `make()` for `key`, made on first use and marked shared. */
export function shared(key, make) {
  let geometry = cache.get(key);
  if (!geometry) {
    geometry = make();
    geometry.userData.shared = true;
    cache.set(key, geometry);
  }
  return geometry;
}
