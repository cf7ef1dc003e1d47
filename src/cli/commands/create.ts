import { notYet } from './not-yet.js';

export const run = notYet('create', 4);
