import { render } from "preact";
import { useState } from "preact/hooks";
import { ApiError } from "./api";
import { DomainsPage } from "./pages/domains";
import { BindingsPage } from "./pages/bindings";
import { LivePage } from "./pages/live";
import { SignIn } from "./pages/sign-in";
import { SnapshotsPage } from "./pages/snapshots";
import { TemplatesPage } from "./pages/templates";
import { href, PAGES, useRoute } from "./route";
import { forgetToken, storedToken, storeToken } from "./session";
import { openSession, SessionContext, type Session } from "./session-context";
import "./styles.css";

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true" />
          livesnap
        </div>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a href={href(p.id)} aria-current={route.page === p.id ? "page" : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <div class="who">
          <span class="account" title="Signed in account">
            {session.accountName}
          </span>
          <span class={`role role-${session.role.toLowerCase()}`}>{session.role}</span>
          <button type="button" class="small ghost" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === "live" && <LivePage />}
        {route.page === "snapshots" && <SnapshotsPage params={route.params} />}
        {route.page === "domains" && <DomainsPage />}
        {route.page === "templates" && <TemplatesPage />}
        {route.page === "bindings" && <BindingsPage />}
      </main>
    </SessionContext.Provider>
  );
}

function Console({ initial }: { initial: Session | null }) {
  const [session, setSession] = useState(initial);
  if (!session) {
    return (
      <SignIn
        onSignedIn={(s, token) => {
          storeToken(token);
          setSession(s);
        }}
      />
    );
  }
  return (
    <Shell
      session={session}
      onSignOut={() => {
        forgetToken();
        session.api.close();
        setSession(null);
      }}
    />
  );
}

async function boot() {
  const root = document.getElementById("app")!;
  const token = storedToken();
  let initial: Session | null = null;
  if (token) {
    try {
      initial = await openSession(token);
    } catch (e) {
      // A token revoked since the last visit: sign in again.
      if (!(e instanceof ApiError)) throw e;
      forgetToken();
    }
  }
  render(<Console initial={initial} />, root);
}

void boot();
