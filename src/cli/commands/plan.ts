import { notYet } from './not-yet.js';

export const run = notYet('plan', 4);
