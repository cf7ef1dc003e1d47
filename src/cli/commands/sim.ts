import { notYet } from './not-yet.js';

export const run = notYet('sim', 3);
