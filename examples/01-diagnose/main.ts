// 01-diagnose: runs this lesson's training code (lesson.ts) in Node with the Node host — lines on the terminal, the
// figure and result.json in the output folder. The docs site runs the same lesson.ts in the page.
import { runLesson } from '../_shared/node-host';
import { lesson } from './lesson';

await runLesson('01-diagnose', lesson);
