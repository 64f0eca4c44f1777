// Totals already counted, by "<entity>?<filter>", so that paging through one filter
// asks count=none (docs/API.md "Reads"). Any write forgets them.
export const knownTotals = new Map();
export const forgetTotals = () => knownTotals.clear();
