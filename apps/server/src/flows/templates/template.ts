import type { FlowDocumentInput, LocalizedText } from '@qiao/flow';

export interface TemplateArgs {
  /** The new flow's name (also the document's). */
  name: string;
  /** A connection of the template's connector, when one exists; nodes are left without one otherwise. */
  connectionId: string | undefined;
}

/** A starting point for a new flow: a flow document with the user's name and a connection filled in. */
export interface FlowTemplate {
  id: string;
  name: LocalizedText;
  description: LocalizedText;
  /** CloudEvents type the flow starts on. */
  eventType: string;
  /** Connector whose connection the nodes use, or null when the template has no connector nodes. */
  connector: string | null;
  build(args: TemplateArgs): FlowDocumentInput;
}
