import { notYet } from './not-yet.js';

export const run = notYet('list', 5);
