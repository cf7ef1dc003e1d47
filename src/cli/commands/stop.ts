import { notYet } from './not-yet.js';

export const run = notYet('stop', 5);
