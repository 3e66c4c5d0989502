// The page's compiler, off the main thread so typing never waits for it. Each request
// carries the editor's text and the explain form; the answer comes in two messages: the
// findings first (the editor's squiggles wait for them only), then the JSON, the
// explanation and the graph.

import { checkEditorText, type ExplainRequest, type Findings, type Views } from './analyse.js';

export interface WorkerRequest {
  /** Increases with each request; answers to older ones are dropped by the page. */
  id: number;
  text: string;
  explain: ExplainRequest;
}

export type WorkerAnswer = { id: number; kind: 'findings'; findings: Findings } | { id: number; kind: 'views'; views: Views } | { id: number; kind: 'failure'; message: string };

interface WorkerScope {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  postMessage(answer: WorkerAnswer): void;
}
const scope = self as unknown as WorkerScope;

// Requests are handled one at a time, and only the newest waiting one: a burst of
// keystrokes checks the text once it settles, never every intermediate text.
let waiting: WorkerRequest | undefined;
let busy = false;

scope.onmessage = (event) => {
  waiting = event.data;
  if (!busy) void drain();
};

async function drain(): Promise<void> {
  busy = true;
  while (waiting !== undefined) {
    const request = waiting;
    waiting = undefined;
    try {
      const checked = await checkEditorText(request.text);
      scope.postMessage({ id: request.id, kind: 'findings', findings: checked.findings });
      if (waiting !== undefined) continue; // newer text: its findings matter more than these views
      scope.postMessage({ id: request.id, kind: 'views', views: checked.views(request.explain) });
    } catch (error) {
      // A defect of the compiler, not of the policy: shown as such, never as "no findings".
      scope.postMessage({ id: request.id, kind: 'failure', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
    }
  }
  busy = false;
}
