/* The precinct's map on its neighbourhood page: the boundary and the posts
 * (precinct/precinctmap.js). */
precinctMap.draw("nb-map-data");
