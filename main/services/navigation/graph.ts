// The road graph as routing sees it: junctions (and dead ends) as vertices, the road pieces between them
// as edges with their geometry and names, and directed arcs in compressed rows (CSR) for the search.
// Typed arrays throughout: Monaco's graph is tens of thousands of arcs, Jakarta's districts more, and a
// route must take well under a millisecond.

export interface RoadGraph {
  /** Vertices: junctions and dead ends. */
  vertexCount: number;
  lat: Float64Array;
  lon: Float64Array;
  /** The OSM node id of each vertex (turn restrictions and debugging name them). */
  osmNode: Float64Array;

  /** Directed arcs grouped by their tail vertex: the arcs leaving v are firstOut[v] .. firstOut[v+1]-1. */
  firstOut: Uint32Array;
  /** Arc → its head vertex. */
  head: Uint32Array;
  /** Arc → the edge it runs along, and whether it runs in the edge's geometry order (1) or against it (0). */
  arcEdge: Uint32Array;
  arcForward: Uint8Array;
  /** Arc cost: metres, and seconds at the edge's speed (the routing weight). */
  arcMeters: Float32Array;
  arcSeconds: Float32Array;

  /** Edges: one piece of one OSM way between two vertices, in the way's direction. */
  edgeCount: number;
  edgeFrom: Uint32Array;
  edgeTo: Uint32Array;
  /** The OSM way the edge belongs to. */
  edgeWay: Float64Array;
  /** Index into `highwayClasses` (motorway, trunk, primary, …, residential, service). */
  edgeHighway: Uint8Array;
  highwayClasses: readonly string[];
  /** 1 for an edge on a roundabout (junction=roundabout|circular); absent in hand-built graphs, where
   *  guidance falls back to closed oneway ways. */
  edgeRoundabout?: Uint8Array;
  /** Index into `names`, or -1 for an unnamed road. */
  edgeName: Int32Array;
  /** Street names: the default name and the localized ones present in the data (name:en, name:id, name:zh). */
  names: readonly { name: string; en?: string; id?: string; zh?: string; ref?: string }[];
  /** The edge's shape from its `from` to its `to` vertex (both included): points
   *  geometryStart[e] .. geometryStart[e+1]-1 of geometryLat/geometryLon. */
  geometryStart: Uint32Array;
  geometryLat: Float64Array;
  geometryLon: Float64Array;

  /** Turn restrictions at a vertex between two edges: 'no' forbids that turn, 'only' forbids every other. */
  restrictions: readonly { fromEdge: number; viaVertex: number; toEdge: number; kind: 'no' | 'only' }[];
}
