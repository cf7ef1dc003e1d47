import { notYet } from './not-yet.js';

export const run = notYet('delete', 5);
