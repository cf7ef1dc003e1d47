import { notYet } from './not-yet.js';

export const run = notYet('up', 5);
