// The playground page: the editor, the problems list with each rule's fix, the explain
// form, the graph and the JSON, all fed by the compiler in worker.ts. The editor's text
// and the form travel in the URL fragment, kept current as you type, so the address bar is
// always the link that shares what you see.

import type { PlaygroundDiagnostic, Views } from './analyse.js';
import { applyChanges, createEditor, showFindings } from './editor.js';
import { decodeFragment, encodeFragment } from './fragment.js';
import { SAMPLE_POLICY } from './sample.js';
import { svgElement } from './svg-view.js';
import type { WorkerAnswer, WorkerRequest } from './worker.js';

// Long enough to let a burst of keystrokes settle, short enough that a finding shows well
// within half a second of the last one (the compiler takes tens of milliseconds).
const SETTLE_MS = 80;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page lacks #${id}`);
  return found as T;
}

const status = element('status');
const problems = element<HTMLUListElement>('problems');
const serverSelect = element<HTMLSelectElement>('server');
const clientInput = element<HTMLInputElement>('client');
const rcptInput = element<HTMLInputElement>('rcpt');

const shared = decodeFragment(location.hash);
if (location.hash.length > 1 && shared === undefined) status.textContent = 'the link carries no readable policy: showing the sample';
if (shared?.client) clientInput.value = shared.client;
if (shared?.rcpt) rcptInput.value = shared.rcpt;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const view = createEditor(element('editor'), shared?.policy ?? SAMPLE_POLICY, () => schedule());

let latest = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let sentAt = 0;

function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(send, SETTLE_MS);
}

function send(): void {
  const text = view.state.doc.toString();
  const request: WorkerRequest = { id: ++latest, text, explain: { server: serverSelect.value, client: clientInput.value, rcpt: rcptInput.value } };
  sentAt = performance.now();
  status.textContent = 'checking…';
  worker.postMessage(request);
  history.replaceState(null, '', encodeFragment({ policy: text, client: clientInput.value, rcpt: rcptInput.value }));
}

worker.onmessage = (event: MessageEvent<WorkerAnswer>) => {
  const answer = event.data;
  if (answer.id !== latest) return; // the text has changed since: a newer answer is coming
  if (answer.kind === 'failure') {
    status.textContent = 'the compiler failed (a defect of smtppolicy, please report it)';
    element('explanation').textContent = answer.message;
    return;
  }
  if (answer.kind === 'findings') {
    showFindings(view, answer.findings.diagnostics);
    listProblems(answer.findings.diagnostics);
    fillServers(answer.findings.servers);
    const count = answer.findings.diagnostics.length;
    status.textContent = `checked in ${Math.round(performance.now() - sentAt)} ms: ${count === 0 ? 'no problems' : `${count} problem${count === 1 ? '' : 's'}`}`;
    status.dataset.checked = String(answer.id);
    return;
  }
  showViews(answer.views);
};
worker.onerror = (event) => {
  status.textContent = `the compiler could not start: ${event.message}`;
};

function listProblems(diagnostics: readonly PlaygroundDiagnostic[]): void {
  problems.replaceChildren();
  if (diagnostics.length === 0) {
    const item = document.createElement('li');
    item.className = 'none';
    item.textContent = 'No problems.';
    problems.append(item);
  }
  for (const d of diagnostics) {
    const item = document.createElement('li');
    item.className = d.severity;
    item.dataset.rule = d.ruleId;
    const line = view.state.doc.lineAt(Math.min(d.from, view.state.doc.length));
    const rule = document.createElement('span');
    rule.className = 'rule';
    rule.textContent = `${d.ruleId} `;
    item.append(rule, `${d.severity}, line ${line.number}: ${d.message}`);
    if (d.fix) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'fix';
      button.textContent = `Fix: ${d.fix.description}`;
      const changes = d.fix.changes;
      button.onclick = () => applyChanges(view, changes);
      item.append(button);
    }
    problems.append(item);
  }
}

function fillServers(names: readonly string[]): void {
  if (names.length === 0) return; // keep the choice while the text does not compile
  const chosen = serverSelect.value;
  serverSelect.replaceChildren(...names.map((name) => new Option(name, name, false, name === chosen)));
}

function showViews(views: Views): void {
  element('explanation').textContent = views.explanation.join('\n');
  element('json').textContent = views.json ?? '(not compiled: the policy has errors of the language)';
  const graph = element('graph');
  try {
    graph.replaceChildren(...(views.svg === null ? [] : [svgElement(views.svg)]));
  } catch (error) {
    graph.textContent = `not drawn: ${error instanceof Error ? error.message : String(error)} (a defect of smtppolicy, please report it)`;
  }
}

for (const input of [serverSelect, clientInput, rcptInput]) input.addEventListener('input', schedule);

// Pasting a shared link into the address bar of an open page changes only the fragment.
addEventListener('hashchange', () => {
  const state = decodeFragment(location.hash);
  if (state === undefined || state.policy === view.state.doc.toString()) return;
  if (state.client) clientInput.value = state.client;
  if (state.rcpt) rcptInput.value = state.rcpt;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: state.policy } });
});

element('copy-link').addEventListener('click', () => {
  navigator.clipboard.writeText(location.href).then(
    () => (status.textContent = 'link copied: it holds the whole policy'),
    () => (status.textContent = 'copy the address bar: it holds the whole policy'),
  );
});

send();
