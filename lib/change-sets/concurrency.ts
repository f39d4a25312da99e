/**
 * How many APIs of a change set are planned, and applied, at once. Each API's apply is a few ARM
 * round trips in a row (bench/README.md, change-set-200), so 16 in flight keeps a 200-API set
 * within seconds of its lower bound while one APIM service sees at most 16 writers at a time,
 * well under ARM's write throttling.
 */
export const CHANGE_SET_CONCURRENCY = 16;
