import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** The lab's side of an agent: JSON-line messages in, requests with ids out. */
export class AgentHandle {
  private readonly listeners: ((message: Record<string, unknown>) => void)[] = [];
  private nextId = 0;
  readonly stderr: string[] = [];

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      for (const listen of [...this.listeners]) listen(message);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      if (this.stderr.length < 50) this.stderr.push(chunk.toString());
    });
  }

  on(listen: (message: Record<string, unknown>) => void) {
    this.listeners.push(listen);
  }

  /** Resolves with the first message `accept` returns a value for; rejects after `timeoutMs` or on exit. */
  waitFor<T>(accept: (message: Record<string, unknown>) => T | undefined, timeoutMs: number, what: string) {
    return new Promise<T>((resolve, reject) => {
      const done = (error?: Error, value?: T) => {
        clearTimeout(timer);
        this.child.off("exit", onExit);
        const i = this.listeners.indexOf(listen);
        if (i >= 0) this.listeners.splice(i, 1);
        if (error) reject(error);
        else resolve(value as T);
      };
      const listen = (message: Record<string, unknown>) => {
        if (typeof message.error === "string" && message.id === undefined)
          return done(new Error(`${what}: ${message.error}`));
        const value = accept(message);
        if (value !== undefined) done(undefined, value);
      };
      const onExit = () => done(new Error(`${what}: agent exited (${this.stderr.join("").slice(-400)})`));
      const timer = setTimeout(
        () => done(new Error(`${what}: no answer after ${timeoutMs} ms ${this.stderr.join("").slice(-400)}`)),
        timeoutMs,
      );
      this.listeners.push(listen);
      this.child.once("exit", onExit);
    });
  }

  send(command: object) {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  /** A request/answer round trip (`{id, result}` or `{id, error}`). */
  async request<T>(command: Record<string, unknown>, timeoutMs: number): Promise<T> {
    this.nextId += 1;
    const id = this.nextId;
    const answer = this.waitFor(
      (m) => (m.id === id ? m : undefined),
      timeoutMs + 1000,
      `agent request ${String(command.op ?? command.link)}`,
    );
    this.send({ ...command, id, timeoutMs });
    const message = await answer;
    if (typeof message.error === "string") throw new Error(message.error);
    return message.result as T;
  }
}
