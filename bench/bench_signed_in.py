"""The listing page for a guest and for a signed-in buyer under gunicorn (same demo data).

A guest's catalogue page comes from the page cache; a signed-in buyer's comes from it too, kept
under their account (the header carries their cart and name), after one account lookup and a
cart count per request. The goal: signed in within 3x of the guest. Run with
`python -m bench.bench_signed_in`."""
from __future__ import annotations

import os
import re
import tempfile
import urllib.parse
from pathlib import Path

from bench.harness import gunicorn, load, prepared_database, report

SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
EMAIL, PASSWORD = "bench-buyer@example.com", "bench-password-123"


def _add_buyer(url: str) -> None:
    from shop import create_app
    from shop.extensions import db
    from shop.models import User
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.session.query(User).filter_by(email=EMAIL).first() is None:
            user = User(email=EMAIL, name="Bench Buyer", role="buyer")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
        db.engine.dispose()


def _session_cookie(port: int) -> str:
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/en/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    conn.request("POST", "/en/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"bench buyer could not sign in: {response.status}"
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    # The page after signing in shows (and so clears) the "signed in" message, as a browser would.
    conn.request("GET", "/en/", headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    session = [part.split(";")[0].strip() for part in (response.getheader("Set-Cookie") or "").split(",")
               if part.strip().startswith("session=")]
    return session[0] if session else cookie


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _measure(Path(folder) / "bench-signed-in.db")


def _measure(path: Path) -> None:
    url = prepared_database(path)
    _add_buyer(url)
    with gunicorn("wsgi:app", env={"DATABASE_URL": url, "RATELIMIT_ENABLED": "0"}, workers=2,
                  threads=int(os.environ.get("BENCH_THREADS", "1"))) as (port, _pid):
        cookie = _session_cookie(port)
        guest = load(port, "/en/products", seconds=SECONDS)
        signed_in = load(port, "/en/products", seconds=SECONDS, headers={"Cookie": cookie})
    report("listing page, guest (req/s)", f"{guest['rps']:.0f}", f"p95 {guest['p95_ms']:.0f} ms")
    report("listing page, signed in (req/s)", f"{signed_in['rps']:.0f}",
           f"p95 {signed_in['p95_ms']:.0f} ms; {signed_in['rps'] / guest['rps']:.2f} of the guest's")


if __name__ == "__main__":
    main()
