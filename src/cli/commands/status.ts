import { notYet } from './not-yet.js';

export const run = notYet('status', 5);
