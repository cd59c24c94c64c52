// 10-cookbook-batch-size: runs this recipe's training code (lesson.ts) in Node with the Node host — lines on the terminal,
// the figure in the output folder. The docs site runs the same lesson.ts in the page.
import { runLesson } from '../_shared/node-host';
import { lesson } from './lesson';

await runLesson('10-cookbook-batch-size', lesson);
