import { notYet } from './not-yet.js';

export const run = notYet('converge', 4);
