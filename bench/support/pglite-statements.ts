/**
 * The statements one wire-protocol message to PGlite executes, by their text: each Execute ('E')
 * runs the statement its Bind ('B') named — whose text a Parse ('P') gave, in this message or an
 * earlier one (`session`) —, each simple Query ('Q') its own text. A benchmark counts them
 * (control-plane.ts); nothing else reads the messages.
 */
export interface ProtocolSession {
  /** Statement texts by the name their Parse gave ("" for the unnamed statement). */
  texts: Map<string, string>;
  /** The statement the last Bind named. */
  bound: string;
}

export function newProtocolSession(): ProtocolSession {
  return { texts: new Map(), bound: "" };
}

export function executedStatements(message: Uint8Array, session: ProtocolSession): string[] {
  const executed: string[] = [];
  // The startup message has no type byte; every other is a type, an int32 length (itself included), a body.
  if (message[0] === 0) return executed;
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  for (let at = 0; at + 5 <= message.length;) {
    const type = String.fromCharCode(message[at]!);
    const body = at + 5;
    if (type === "P") {
      const name = cString(message, body);
      session.texts.set(name.text, cString(message, name.next).text);
    } else if (type === "B") session.bound = cString(message, cString(message, body).next).text;
    else if (type === "E") executed.push(session.texts.get(session.bound) ?? "(a statement parsed before counting)");
    else if (type === "Q") executed.push(cString(message, body).text);
    at += 1 + view.getInt32(at + 1);
  }
  return executed;
}

/** A NUL-terminated UTF-8 string at `from`, and where what follows it starts. */
function cString(bytes: Uint8Array, from: number): { text: string; next: number } {
  const end = bytes.indexOf(0, from);
  return { text: Buffer.from(bytes.subarray(from, end)).toString("utf8"), next: end + 1 };
}
