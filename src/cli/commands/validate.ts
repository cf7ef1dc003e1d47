import { notYet } from './not-yet.js';

export const run = notYet('validate', 2);
