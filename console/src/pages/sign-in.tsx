import { useState } from "preact/hooks";
import { openSession, type Session } from "../session-context";
import { ErrorBox, Field, useAction } from "../ui";

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session, token: string) => void }) {
  const [token, setToken] = useState("");
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    await action.run(async () => onSignedIn(await openSession(token.trim()), token.trim()));
  };
  return (
    <main class="sign-in" id="main">
      <form class="card" onSubmit={submit}>
        <div class="brand big">
          <span class="logo" aria-hidden="true" />
          livesnap
        </div>
        <h1>Sign in to the console</h1>
        <Field label="API token" hint="ADMIN tokens can change things; READER tokens see everything read-only. Kept in this tab only.">
          <input
            name="token"
            type="password"
            autoComplete="off"
            required
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </Field>
        <ErrorBox error={action.error} />
        <button type="submit" disabled={action.busy || token.trim() === ""}>
          {action.busy ? "Signing in…" : "Sign in"}
        </button>
        <p class="muted">
          No token yet? With livesnap stopped, run <code>npm run -s cli -- token create --account demo --role admin</code>.
        </p>
      </form>
    </main>
  );
}
