import { notYet } from './not-yet.js';

export const run = notYet('graph', 2);
