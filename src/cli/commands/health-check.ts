import { notYet } from './not-yet.js';

export const run = notYet('health-check', 4);
