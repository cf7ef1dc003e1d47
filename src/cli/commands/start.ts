import { notYet } from './not-yet.js';

export const run = notYet('start', 5);
