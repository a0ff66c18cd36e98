/** The read-only `amt-snapshot:` documents the diff editor shows: each a snapshot's normalised rendering from the backend. */
import * as vscode from 'vscode';

export const SNAPSHOT_SCHEME = 'amt-snapshot';

export class SnapshotRenderings implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 0;

  /** Keeps a rendering and returns the document that shows it; `name` ends the path, so the tab reads well. */
  put(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SNAPSHOT_SCHEME, path: `/${++this.next}/${name.replace(/[\\/]/g, '_')}.txt` });
    this.texts.set(uri.path, text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? 'This snapshot rendering is gone (the window was reloaded); run "AMT: Compare Snapshots…" again.';
  }
}
