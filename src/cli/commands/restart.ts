import { notYet } from './not-yet.js';

export const run = notYet('restart', 5);
