import { createHash } from "node:crypto";

/**
 * The model's answers: small, deterministic (the same request gets the same content) and in
 * the shapes Azure OpenAI and Foundry models return, with token usage counted as whitespace-
 * separated words — an approximation, but a stable one that tests and probes can rely on.
 */
interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== "");
}

function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

export function chatCompletion(model: string, body: { messages?: unknown; max_tokens?: unknown }): object {
  const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
  const prompt = messages.map((message) => (typeof message.content === "string" ? message.content : "")).join(" ");
  const lastUser = [...messages].reverse().find((message) => message.role === "user");
  const question = typeof lastUser?.content === "string" ? lastUser.content : "";
  const reply = words(`Sandbox model reply to: ${question}`);
  const limit = typeof body.max_tokens === "number" && body.max_tokens > 0 ? Math.floor(body.max_tokens) : Infinity;
  const content = reply.slice(0, limit);
  const promptTokens = words(prompt).length;
  return {
    id: `chatcmpl-sandbox-${digest({ model, messages }).slice(0, 24)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: content.join(" ") },
        finish_reason: content.length < reply.length ? "length" : "stop",
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: content.length,
      total_tokens: promptTokens + content.length,
    },
  };
}

export function embeddings(model: string, body: { input?: unknown }): object {
  const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? "")];
  const promptTokens = inputs.reduce((sum, input) => sum + words(input).length, 0);
  return {
    object: "list",
    model,
    data: inputs.map((input, index) => ({
      object: "embedding",
      index,
      // Eight numbers in [-1, 1] derived from the input: the same text, the same vector.
      embedding: Array.from({ length: 8 }, (_, i) => parseInt(digest(input).slice(i * 4, i * 4 + 4), 16) / 32768 - 1),
    })),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
