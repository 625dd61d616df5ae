"""`make run` without Stripe keys starts a local stand-in: it answers as Stripe does, keeps
nothing on disk, and refuses to run in production."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

from bench.harness import wait_for_port
from tests.support import ROOT, free_port


def test_the_stand_in_takes_payment_intents_with_the_dev_keys(tmp_path):
    from shop.dev.stripe_standin import environment
    port = free_port()
    env = {**os.environ, **environment(port), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "shop", "stripe-standin", "--port",
                             str(port), "--webhook-url", "http://127.0.0.1:9/webhooks/stripe"], cwd=ROOT, env=env)
    try:
        wait_for_port(port, "the Stripe stand-in")
        request = urllib.request.Request(
            f"{environment(port)['STRIPE_API_BASE']}/v1/payment_intents", data=b"amount=1000&currency=cny",
            headers={"Authorization": f"Bearer {environment(port)['STRIPE_SECRET_KEY']}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            intent = json.loads(response.read())
        assert intent["object"] == "payment_intent" and intent["amount"] == 1000
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert not list(tmp_path.glob("localstripe*"))  # nothing saved


def test_the_stand_in_refuses_to_run_in_production(app):
    app.config["SHOP_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["shop", "stripe-standin", "--webhook-url", "http://127.0.0.1:9/x"])
    assert result.exit_code != 0 and "development only" in result.output
