#!/usr/bin/env python3
"""The OIDC browser login in real headless Chromium, through chromedriver's WebDriver HTTP API.

Run by login-check.sh, which starts Keycloak, the container gateway and chromedriver first:

    login_check.py --driver http://127.0.0.1:9515 --gateway 18480 --provider keycloak

Each check prints PASS or FAIL with what the browser saw; the last line is 'N passed, N failed'.
Only the standard library: WebDriver is plain JSON over HTTP, so nothing is installed.
"""
import argparse
import json
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1200,900",
]


class WebDriver:
    """A Chromium session over the W3C WebDriver protocol (plus chromedriver's CDP passthrough)."""

    def __init__(self, driver_url, binary):
        self.url = driver_url.rstrip("/")
        self.profile = tempfile.mkdtemp(prefix="gatehouse-chromium-")
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": binary, "args": CHROMIUM_ARGS + ["--user-data-dir=" + self.profile]}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.code} {e.read().decode(errors='replace')[:500]}") from None

    def cmd(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def go(self, url):
        self.cmd("POST", "/url", {"url": url})

    def current_url(self):
        return self.cmd("GET", "/url")

    def text(self):
        return self.script("return document.body ? document.body.innerText : ''")

    def script(self, source, *args):
        return self.cmd("POST", "/execute/sync", {"script": source, "args": list(args)})

    def find(self, css):
        found = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [next(iter(e.values())) for e in found]

    def type(self, css, value):
        element = self.find(css)[0]
        self.cmd("POST", f"/element/{element}/clear", {})
        self.cmd("POST", f"/element/{element}/value", {"text": value})

    def click(self, css):
        self.cmd("POST", f"/element/{self.find(css)[0]}/click", {})

    def cookies(self):
        """Every cookie the browser holds, any host, HttpOnly included (CDP Network.getAllCookies)."""
        return self.cmd("POST", "/goog/cdp/execute", {"cmd": "Network.getAllCookies", "params": {}})["cookies"]

    def new_tab(self):
        handle = self.cmd("POST", "/window/new", {"type": "tab"})["handle"]
        self.cmd("POST", "/window", {"handle": handle})
        return handle

    def switch(self, handle):
        self.cmd("POST", "/window", {"handle": handle})

    def wait_url(self, predicate, seconds=20):
        deadline = time.monotonic() + seconds
        while True:
            url = self.current_url()
            if predicate(url):
                return url
            if time.monotonic() > deadline:
                raise AssertionError(f"still at {url} after {seconds}s; page: {self.text()[:300]!r}")
            time.sleep(0.2)

    def quit(self):
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


class Check:
    def __init__(self, args, browser):
        self.args = args
        self.b = browser
        self.passed = 0
        self.failed = 0

    def gateway(self, host="127.0.0.1"):
        return f"http://{host}:{self.args.gateway}"

    def run(self, name, body):
        try:
            detail = body()
            self.passed += 1
            print(f"PASS {name}" + (f": {detail}" if detail else ""), flush=True)
        except Exception as e:  # one failed check does not stop the others
            self.failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)

    # -- steps -------------------------------------------------------------------------------

    def login_url(self, host="127.0.0.1", redirect="/app/ping"):
        return f"{self.gateway(host)}/v1/auth/login/{self.args.provider}?redirect={urllib.parse.quote(redirect, safe='/')}"

    def at_provider(self, url):
        return url.startswith(self.args.issuer)

    def forget_provider(self):
        """Drops the provider's cookies (its single sign-on), so its next page is the login form."""
        path = urllib.parse.urlsplit(self.args.issuer).path
        for c in self.b.cookies():
            if c["path"] != "/" and path.startswith(c["path"].rstrip("/")):
                self.b.cmd("POST", "/goog/cdp/execute", {"cmd": "Network.deleteCookies", "params": {
                    "name": c["name"], "domain": c["domain"], "path": c["path"]}})

    def fill_login_form(self, username, password):
        self.b.wait_url(self.at_provider)
        deadline = time.monotonic() + 15
        while not self.b.find("#username"):
            if time.monotonic() > deadline:
                raise AssertionError(f"no login form at {self.b.current_url()}: {self.b.text()[:300]!r}")
            time.sleep(0.2)
        self.b.type("#username", username)
        self.b.type("#password", password)
        self.b.click("#kc-login")

    def session_cookie(self, host="127.0.0.1"):
        return [c for c in self.b.cookies() if c["name"] == "gatehouse_session" and c["domain"] == host]

    def login_cookies(self, host="127.0.0.1"):
        return [c for c in self.b.cookies() if c["name"].startswith("gatehouse_login") and c["domain"] == host]

    def json_page(self):
        text = self.b.text()
        try:
            return json.loads(text)
        except ValueError:
            raise AssertionError(f"not JSON at {self.b.current_url()}: {text[:300]!r}") from None

    def logout_by_form(self, host="127.0.0.1"):
        """A logout button as docs/security.md says: a form POST to /v1/auth/logout, from a gateway page."""
        self.b.go(self.gateway(host) + "/ping")
        self.b.script("""
            const f = document.createElement('form');
            f.method = 'POST'; f.action = arguments[0];
            document.body.appendChild(f); f.submit();""", "/v1/auth/logout")
        self.b.wait_url(lambda u: u.endswith("/v1/auth/logout"))
        return self.json_page()

    # -- checks ------------------------------------------------------------------------------

    def login_and_use_session(self):
        self.forget_provider()
        self.b.go(self.login_url())
        login = self.login_cookies()
        assert len(login) == 1, f"one login cookie at 127.0.0.1 while at the provider, got {login}"
        self.fill_login_form(self.args.username, self.args.password)
        landed = self.b.wait_url(lambda u: u.startswith(self.gateway()) and "/v1/auth/callback/" not in u)
        assert landed == self.gateway() + "/app/ping", f"landed on {landed}: {self.b.text()[:300]!r}"
        page = self.b.text().strip()
        cookie = self.session_cookie()
        assert len(cookie) == 1, f"session cookie at 127.0.0.1: {cookie}"
        c = cookie[0]
        assert c["httpOnly"] and c["secure"] and c.get("sameSite") == "Lax" and c["path"] == "/", f"attributes: {c}"
        assert not self.login_cookies(), f"the login cookie is removed after the callback: {self.login_cookies()}"
        return f"landed on /app/ping showing {page[:60]!r}; gatehouse_session HttpOnly Secure SameSite=Lax"

    def session_endpoint(self):
        self.b.go(self.gateway() + "/v1/auth/session")
        user = self.json_page()
        assert user.get("provider") == self.args.provider and user.get("user_id", "").startswith("u_"), user
        return f"{user.get('email')} tenant={user.get('tenant')} roles={user.get('roles')}"

    def js_cannot_read_session(self):
        self.b.go(self.gateway() + "/v1/auth/session")
        visible = self.b.script("return document.cookie")
        assert "gatehouse_session" not in visible, visible
        return f"document.cookie={visible!r}"

    def second_login_in_another_tab(self):
        first = self.b.cmd("GET", "/window")
        self.b.new_tab()
        self.b.go(self.login_url(redirect="/v1/auth/session"))
        # The provider remembers the user (single sign-on), so no form: straight back to the gateway.
        landed = self.b.wait_url(lambda u: u.startswith(self.gateway()) and "/v1/auth/" in u and "/login/" not in u
                                 and "/callback/" not in u)
        user = self.json_page()
        assert landed.endswith("/v1/auth/session") and user.get("provider") == self.args.provider, (landed, user)
        self.b.cmd("DELETE", "/window")
        self.b.switch(first)
        self.b.go(self.gateway() + "/app/ping")
        assert "pong" in self.b.text().lower() or self.b.text().strip(), self.b.text()
        return f"second tab logged in by SSO as {user.get('email')}; first tab still reaches /app/ping"

    def concurrent_logins_in_two_tabs(self):
        """Two tabs each start a login before either finishes: both must finish."""
        self.logout_by_form()
        first = self.b.cmd("GET", "/window")
        self.forget_provider()
        self.b.go(self.login_url(redirect="/app/ping"))
        self.b.wait_url(self.at_provider)
        second = self.b.new_tab()
        self.b.go(self.login_url(redirect="/v1/auth/session"))
        self.b.wait_url(self.at_provider)
        self.b.switch(first)
        self.fill_login_form(self.args.username, self.args.password)
        landed = self.b.wait_url(lambda u: u.startswith(self.gateway()) and "/v1/auth/callback/" not in u)
        assert landed == self.gateway() + "/app/ping", f"first tab landed on {landed}: {self.b.text()[:400]!r}"
        self.b.switch(second)
        self.b.go(self.b.current_url())  # the provider's form again: the first tab's login is remembered
        landed2 = self.b.wait_url(lambda u: u.startswith(self.gateway()) and "/v1/auth/callback/" not in u)
        user = self.json_page() if landed2.endswith("/v1/auth/session") else {}
        self.b.cmd("DELETE", "/window")
        self.b.switch(first)
        assert user.get("provider") == self.args.provider, f"second tab landed on {landed2}: {self.b.text()[:400]!r}"
        return "both tabs finished their logins"

    def logout_by_form_post(self):
        answer = self.logout_by_form()
        assert answer.get("logged_out") is True, answer
        assert not self.session_cookie(), f"cookie removed: {self.session_cookie()}"
        self.b.go(self.gateway() + "/app/ping")
        refused = self.json_page()
        assert refused["error"]["code"] == "unauthorized", refused
        return f"POST answered {answer}; /app/ping then {refused['error']['code']} ({refused['error']['details']})"

    def old_cookie_refused_after_logout(self):
        self.forget_provider()
        self.b.go(self.login_url())
        self.fill_login_form(self.args.username, self.args.password)
        self.b.wait_url(lambda u: u == self.gateway() + "/app/ping")
        saved = self.session_cookie()[0]
        self.logout_by_form()
        self.b.cmd("POST", "/goog/cdp/execute", {"cmd": "Network.setCookie", "params": {
            "name": saved["name"], "value": saved["value"], "domain": saved["domain"], "path": "/", "secure": True,
            "httpOnly": True, "sameSite": "Lax"}})
        self.b.go(self.gateway() + "/app/ping")
        refused = self.json_page()
        assert refused["error"]["details"].get("reason") == "revoked", refused
        return "a replayed session cookie is refused as revoked"

    def cross_site_post_logout_ignored(self):
        """A page on another site (localhost is another site than 127.0.0.1) posts the logout form."""
        self.forget_provider()
        self.b.go(self.login_url())
        self.fill_login_form(self.args.username, self.args.password)
        self.b.wait_url(lambda u: u == self.gateway() + "/app/ping")
        self.b.go(self.gateway("localhost") + "/ping")
        self.b.script("""
            const f = document.createElement('form');
            f.method = 'POST'; f.action = arguments[0];
            document.body.appendChild(f); f.submit();""", self.gateway() + "/v1/auth/logout")
        self.b.wait_url(lambda u: u.startswith(self.gateway()) and u.endswith("/v1/auth/logout"))
        answer = self.json_page()
        assert answer.get("logged_out") is False, f"a cross-site POST ended the session: {answer}"
        self.b.go(self.gateway() + "/app/ping")
        assert "error" not in self.b.text(), self.b.text()
        return f"cross-site POST answered {answer}; the session goes on (SameSite=Lax kept the cookie off)"

    def cross_site_get_logout(self):
        """A link on another site to GET /v1/auth/logout is refused (Sec-Fetch-Site: cross-site) and the session stays."""
        self.b.go(self.gateway("localhost") + "/ping")
        self.b.script("""
            const a = document.createElement('a');
            a.href = arguments[0]; a.textContent = 'x';
            document.body.appendChild(a); a.click();""", self.gateway() + "/v1/auth/logout")
        self.b.wait_url(lambda u: u.startswith(self.gateway()) and "/v1/auth/logout" in u)
        error = self.json_page()["error"]
        assert error["code"] == "forbidden" and error["details"]["reason"] == "cross_site_logout", error
        self.b.go(self.gateway() + "/v1/auth/session")
        session = self.json_page()
        assert "user_id" in session, f"a cross-site link ended the session: {session}"
        return "refused with 403 cross_site_logout; the session goes on (docs/security.md, Logout)"

    def login_at_localhost(self):
        self.forget_provider()
        self.b.go(self.login_url(host="localhost"))
        redirect_uri = urllib.parse.parse_qs(urllib.parse.urlsplit(self.b.current_url()).query).get("redirect_uri", ["?"])[0]
        self.fill_login_form(self.args.username, self.args.password)
        landed = self.b.wait_url(lambda u: "/v1/auth/callback/" not in u and not self.at_provider(u))
        text = self.b.text()
        assert landed == self.gateway("localhost") + "/app/ping", f"redirect_uri {redirect_uri}; landed on {landed}: {text[:300]!r}"
        assert self.session_cookie("localhost"), "session cookie at localhost"
        return f"redirect_uri {redirect_uri}; landed on {landed} with a session cookie at localhost"

    def wrong_password(self):
        self.logout_by_form()
        self.logout_by_form("localhost")
        self.forget_provider()
        self.b.go(self.login_url())
        self.fill_login_form(self.args.username, "not-the-password")
        time.sleep(1)
        url = self.b.current_url()
        shown = " ".join(e for e in [self.b.script(
            "const e = document.querySelector('#input-error, .kc-feedback-text, .pf-m-danger, .alert-error');"
            "return e ? e.innerText : ''")] if e)
        assert self.at_provider(url) and shown, f"at {url}: {self.b.text()[:300]!r}"
        assert not self.session_cookie(), "no session"
        return f"the provider's form again, saying {shown.strip()!r}"

    def provider_error_on_callback(self):
        """The provider sends error=access_denied back (a user who cancels), with the login's state."""
        self.forget_logins()
        self.b.go(self.login_url())
        authorize = self.b.wait_url(self.at_provider)
        state = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)["state"][0]
        self.b.go(f"{self.gateway()}/v1/auth/callback/{self.args.provider}?error=access_denied"
                  f"&error_description=User+cancelled&state={urllib.parse.quote(state)}")
        body = self.json_page()
        error = body["error"]
        assert error["code"] == "unauthorized" and error["details"]["reason"] == "provider_error", body
        assert set(error) >= {"code", "message", "details", "request_id", "timestamp"}, body
        leftover = self.login_cookies()
        assert not leftover, f"the failed login's cookie stays behind: {leftover}"
        return f"envelope {error['code']}: {error['message']}"

    def forget_logins(self):
        """Drops logins started and never finished (their cookies live for the login timeout)."""
        for c in self.login_cookies():
            self.b.cmd("POST", "/goog/cdp/execute", {"cmd": "Network.deleteCookies", "params": {
                "name": c["name"], "domain": c["domain"], "path": c["path"]}})

    def callback_without_login(self):
        self.forget_logins()
        self.b.go(f"{self.gateway()}/v1/auth/callback/{self.args.provider}?code=x&state=y")
        error = self.json_page()["error"]
        assert error["details"]["reason"] == "missing_login_state", error
        return f"envelope {error['code']}: {error['message']}"

    def sso_gateway_paths(self):
        """A login through the SSO gateway's paths: /sso/oidc/login, its /sso/oidc/callback, /sso/session."""
        self.forget_provider()
        self.forget_logins()
        self.b.go(f"{self.gateway()}/sso/oidc/login?provider={self.args.provider}&redirect=/sso/session")
        self.fill_login_form(self.args.username, self.args.password)
        landed = self.b.wait_url(lambda u: u.startswith(self.gateway()) and "/sso/oidc/callback" not in u)
        assert landed == self.gateway() + "/sso/session", f"landed on {landed}: {self.b.text()[:300]!r}"
        user = self.json_page()
        assert user.get("authenticated") is True and user.get("provider") == self.args.provider, user
        self.b.go(self.gateway() + "/sso/oidc/logout?redirect=/sso/session")
        self.b.wait_url(lambda u: u.endswith("/sso/session"))
        after = self.json_page()
        assert after == {"authenticated": False}, after
        return f"{user.get('email')} logged in through /sso/oidc/callback, then {after} after /sso/oidc/logout"

    def login_at_localhost_with_base_url_at_127(self):
        """A login started at localhost while redirect_uri (gateway.sso.redirect-base-url) says 127.0.0.1."""
        self.forget_provider()
        self.b.go(self.login_url(host="localhost", redirect="/v1/auth/session"))
        self.fill_login_form(self.args.username, self.args.password)
        landed = self.b.wait_url(lambda u: "/v1/auth/callback/" not in u and not self.at_provider(u))
        text = self.b.text()
        assert '"provider"' in text, f"landed on {landed}: {text[:300]!r}"
        return f"landed on {landed}, logged in"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--driver", default="http://127.0.0.1:9515")
    parser.add_argument("--binary", default="/usr/bin/chromium")
    parser.add_argument("--gateway", type=int, required=True, help="the gateway's port on 127.0.0.1 and localhost")
    parser.add_argument("--provider", default="keycloak")
    parser.add_argument("--issuer", default="http://127.0.0.1:8180/realms/gatehouse")
    parser.add_argument("--username", default="alice")
    parser.add_argument("--password", default="alice-password")
    parser.add_argument("--only", help="comma-separated check names")
    args = parser.parse_args()
    browser = WebDriver(args.driver, args.binary)
    check = Check(args, browser)
    checks = [
        ("login, session cookie attributes", check.login_and_use_session),
        ("GET /v1/auth/session", check.session_endpoint),
        ("scripts cannot read the session cookie", check.js_cannot_read_session),
        ("second login in another tab", check.second_login_in_another_tab),
        ("logout by form POST, route refuses", check.logout_by_form_post),
        ("logged-out cookie replayed", check.old_cookie_refused_after_logout),
        ("cross-site POST to logout", check.cross_site_post_logout_ignored),
        ("cross-site link to GET logout refused", check.cross_site_get_logout),
        ("two tabs log in at once", check.concurrent_logins_in_two_tabs),
        ("login at localhost", check.login_at_localhost),
        ("wrong password", check.wrong_password),
        ("provider error on the callback", check.provider_error_on_callback),
        ("callback without a login", check.callback_without_login),
        ("the SSO gateway's paths", check.sso_gateway_paths),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        checks = [c for c in checks if c[1].__name__ in wanted]
    try:
        for name, body in checks:
            check.run(name, body)
    finally:
        browser.quit()
    print(f"{check.passed} passed, {check.failed} failed")
    return 0 if check.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
