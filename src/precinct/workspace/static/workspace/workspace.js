/* The precinct's map on the workspace: the boundary and the posts
 * (precinct/precinctmap.js). The lists beside it are server-rendered. */
precinctMap.draw("workspace-map");
