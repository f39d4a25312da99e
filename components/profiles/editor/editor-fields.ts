import type { ProfileModel } from "./profile-form-model";
import type { ProfileHints } from "./profile-hints";

/** What every part of the access profile editor gets: the model, a way to change it, and its errors. */
export interface EditorFieldsProps {
  model: ProfileModel;
  /** Applies a change to a copy of the model. */
  update: (change: (draft: ProfileModel) => void) => void;
  /** Errors of the last submission by field key (see fieldKeyOf). */
  errors: ReadonlyMap<string, string>;
  /** A key for a new list item, unique in this editor. */
  newKey: () => string;
  /** Moves focus to an element once the next render has put it on the page. */
  focusLater: (domId: string) => void;
  /** Each field's hint, from the profile schema (read on the server: the schema stays there). */
  hints: ProfileHints;
  /** The Portcullis probe's client id, which the caller check may let in so verification can prove allowed callers get in. */
  probeClientId: string | null;
}
