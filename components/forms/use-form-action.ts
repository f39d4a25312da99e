"use client";

import { startTransition, useActionState, useEffect, useRef, type FormEvent } from "react";
import { IDLE, type FormAction, type FormState } from "./form-state";

/**
 * useActionState for forms that must keep what the user typed. React resets a form after its
 * `action` runs; dispatching from onSubmit instead keeps every field as it was, so a refused
 * submission can be corrected without retyping. `action` stays on the form so it still posts
 * before JavaScript has loaded. `resetOnDone` clears the form once the action succeeded.
 */
export function useFormAction<R>(action: FormAction<R>, { resetOnDone = false }: { resetOnDone?: boolean } = {}) {
  const [state, dispatch, pending] = useActionState(action, IDLE as FormState<R>);
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (resetOnDone && state.status === "done") ref.current?.reset();
  }, [state, resetOnDone]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => dispatch(formData));
  };
  return { state, pending, formProps: { ref, action: dispatch, onSubmit } };
}
